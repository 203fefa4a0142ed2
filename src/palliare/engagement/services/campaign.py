"""The 'Dood uit de Pot' campaign's coverage per municipality against the goal of four
meetings per municipality until the end of the campaign, and the year's figures of public
events and the newsletter."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from palliare.organizations.models import Municipality

from ..constants import (
    CAMPAIGN_END_YEAR,
    CAMPAIGN_GOAL_PER_MUNICIPALITY,
    AttendeeStatus,
    EditionStatus,
    EventKind,
)
from ..models import Edition, Event, Subscriber


@dataclass(frozen=True)
class MunicipalityCoverage:
    gm_code: str
    name: str
    subregion: str
    held: int  # meetings that took place (started)
    planned: int  # meetings still to come

    @property
    def total(self) -> int:
        return self.held + self.planned

    @property
    def reached(self) -> bool:
        return self.total >= CAMPAIGN_GOAL_PER_MUNICIPALITY

    @property
    def band(self) -> int:
        """0–4: the colour class on the map (4 = goal reached)."""
        return min(self.total, CAMPAIGN_GOAL_PER_MUNICIPALITY)


@dataclass(frozen=True)
class Coverage:
    rows: list[MunicipalityCoverage]
    goal: int = CAMPAIGN_GOAL_PER_MUNICIPALITY
    end_year: int = CAMPAIGN_END_YEAR

    @property
    def reached(self) -> int:
        return sum(1 for r in self.rows if r.reached)

    @property
    def without(self) -> int:
        return sum(1 for r in self.rows if r.total == 0)


def coverage() -> Coverage:
    """Per municipality of the region (those mapped to a subregion): campaign meetings held
    and planned up to the end year, not cancelled. Two queries."""
    from django.utils import timezone

    now = timezone.now()
    campaign = Q(
        events__kind=EventKind.DOOD_UIT_DE_POT,
        events__cancelled_at__isnull=True,
        events__is_published=True,
        events__starts_at__year__lte=CAMPAIGN_END_YEAR,
    )
    municipalities = (
        Municipality.objects.filter(subregion__isnull=False)
        .select_related("subregion")
        .annotate(
            held=Count("events", filter=campaign & Q(events__starts_at__lte=now)),
            planned=Count("events", filter=campaign & Q(events__starts_at__gt=now)),
        )
        .order_by("name")
    )
    return Coverage(
        [
            MunicipalityCoverage(
                m.gm_code,
                m.name,
                m.subregion.name if m.subregion else "",
                m.held,
                m.planned,
            )
            for m in municipalities
        ]
    )


@dataclass
class YearFigures:
    """Public events and the newsletter in a calendar year, for the annual report and KPIs."""

    year: int
    events: int = 0
    campaign_events: int = 0
    places: int = 0
    registrations: int = 0
    attendance: int = 0
    editions_sent: int = 0
    editions_target: int = 8
    subscribers: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def year_figures(year: int) -> YearFigures:
    """Events held (not cancelled) with places, confirmed registrations and attendance counted;
    newsletter editions sent against the target; active subscribers now. No personal data; no
    count here describes fewer than five people except totals of the whole region."""
    from ..constants import EDITIONS_TARGET_PER_YEAR

    events = Event.objects.filter(starts_at__year=year, cancelled_at__isnull=True)
    totals = events.aggregate(
        n=Count("pk", distinct=True),
        places=Sum("places"),
        attendance=Sum("attendance_count"),
    )
    registrations = (
        events.filter(attendees__status=AttendeeStatus.CONFIRMED).aggregate(n=Count("attendees"))
    )["n"]
    by_kind = dict(events.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return YearFigures(
        year=year,
        events=totals["n"] or 0,
        campaign_events=by_kind.get(EventKind.DOOD_UIT_DE_POT, 0),
        places=totals["places"] or 0,
        registrations=registrations or 0,
        attendance=totals["attendance"] or 0,
        editions_sent=Edition.objects.filter(status=EditionStatus.SENT, sent_at__year=year).count(),
        editions_target=EDITIONS_TARGET_PER_YEAR,
        subscribers=Subscriber.objects.filter(
            confirmed_at__isnull=False, unsubscribed_at__isnull=True
        ).count(),
        by_kind=by_kind,
    )
