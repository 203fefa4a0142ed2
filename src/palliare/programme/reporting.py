"""Read models of the members' work: who delivered in a round (on time, late, not yet due,
late and missing), self-evaluation uptake per subregion and organisation type, and the themes
across organisations with small-number suppression. A fixed number of queries each."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.organizations.constants import OrganizationType

from .constants import SELF_EVALUATION_CYCLE_YEARS, SMALL_NUMBER, DeliveryState, SelfEvaluationPhase
from .models import MemberOrganization, ReportingRound, SelfEvaluation, Submission


def suppressed(count: int) -> str:
    """A count as it may leave the database: 1–4 shown as "<5"."""
    return f"<{SMALL_NUMBER}" if 0 < count < SMALL_NUMBER else str(count)


@dataclass
class DeliveryRow:
    member: MemberOrganization
    state: DeliveryState
    submission: Submission | None


def deliveries(round_: ReportingRound, today: dt.date | None = None) -> list[DeliveryRow]:
    """Every current member and its state in the round, late ones first. Two queries."""
    day = today or timezone.localdate()
    submissions = {s.member_id: s for s in round_.submissions.defer("content")}
    rows = []
    for member in (
        MemberOrganization.objects.current(min(day, round_.due_on))
        .select_related("organization", "contact")
        .order_by("organization__name")
    ):
        found = submissions.get(member.pk)
        if found is not None:
            state = (
                DeliveryState.ON_TIME
                if found.submitted_on <= round_.due_on
                else DeliveryState.LATE_DELIVERED
            )
        else:
            state = DeliveryState.LATE if day > round_.due_on else DeliveryState.OPEN
        rows.append(DeliveryRow(member, state, found))
    order = [
        DeliveryState.LATE,
        DeliveryState.OPEN,
        DeliveryState.LATE_DELIVERED,
        DeliveryState.ON_TIME,
    ]
    return sorted(rows, key=lambda r: order.index(r.state))


def next_due(evaluation: SelfEvaluation) -> dt.date | None:
    """When the next self-evaluation is due: five years after this one was done."""
    if evaluation.done_on is None:
        return None
    done = evaluation.done_on
    year = done.year + SELF_EVALUATION_CYCLE_YEARS
    try:
        return done.replace(year=year)
    except ValueError:  # 29 February → 28 February
        return done.replace(year=year, day=28)


@dataclass
class UptakeRow:
    label: str
    members: int
    done: int
    started: int
    #: The label names a group ("Subregio: Noord"), not the lack of one ("Zonder subregio").
    named: bool = True

    @property
    def done_share(self) -> str:
        return f"{round(100 * self.done / self.members)}%" if self.members >= 10 else "—"

    @property
    def cells(self) -> list[str]:
        return [suppressed(self.members), suppressed(self.done), suppressed(self.started)]


@dataclass
class Uptake:
    total: UptakeRow
    by_subregion: list[UptakeRow] = field(default_factory=list)
    by_type: list[UptakeRow] = field(default_factory=list)


def _state(evaluations: list[SelfEvaluation], today: dt.date) -> str:
    """done (within the cycle), started, or nothing."""
    for e in evaluations:
        due = next_due(e)
        if e.phase == SelfEvaluationPhase.DONE and due is not None and due > today:
            return "done"
    if any(e.phase == SelfEvaluationPhase.STARTED for e in evaluations):
        return "started"
    return ""


def uptake(today: dt.date | None = None) -> Uptake:
    """Share of current members with a self-evaluation done (within its five-year cycle) and
    started, in total, per subregion and per organisation type. Two queries."""
    day = today or timezone.localdate()
    members = list(
        MemberOrganization.objects.current(day).select_related(
            "organization", "organization__subregion"
        )
    )
    by_member: dict[int, list[SelfEvaluation]] = defaultdict(list)
    for e in SelfEvaluation.objects.filter(member__in=members):
        by_member[e.member_id].append(e)

    type_labels = {str(code): str(label) for code, label in OrganizationType.choices}

    without = _("Without subregion")

    def rows(key) -> list[UptakeRow]:  # type: ignore[no-untyped-def]
        groups: dict[str, list[MemberOrganization]] = defaultdict(list)
        for m in members:
            groups[key(m)].append(m)
        # Named groups alphabetically, members without a subregion last.
        ordered = sorted(groups.items(), key=lambda item: (item[0] == without, item[0]))
        found = [_row(label, group) for label, group in ordered]
        for row in found:
            row.named = row.label != without
        return found

    def _row(label: str, group: list[MemberOrganization]) -> UptakeRow:
        states = Counter(_state(by_member[m.pk], day) for m in group)
        return UptakeRow(label, len(group), states["done"], states["started"])

    return Uptake(
        total=_row("", members),
        by_subregion=rows(
            lambda m: m.organization.subregion.name if m.organization.subregion else without
        ),
        # One translated label per type, not one lookup per member (3,000 in a national run).
        by_type=rows(lambda m: type_labels.get(m.organization.type, m.organization.type)),
    )


@dataclass
class ThemeRow:
    title: str
    count: int
    named: list[str]

    @property
    def shown_count(self) -> str:
        return suppressed(self.count)


def themes_across(today: dt.date | None = None) -> list[ThemeRow]:
    """How many organisations found each theme (counts 1–4 as "<5"), naming only the
    organisations that agreed to be named. Two queries."""
    evaluations = (
        SelfEvaluation.objects.filter(phase=SelfEvaluationPhase.DONE)
        .select_related("member__organization")
        .prefetch_related("themes")
    )
    members: dict[str, set[int]] = defaultdict(set)
    named: dict[str, set[str]] = defaultdict(set)
    for e in evaluations:
        for theme in e.themes.all():
            members[theme.title].add(e.member_id)
            if e.may_be_named:
                named[theme.title].add(e.member.organization.name)
    return sorted(
        (ThemeRow(title, len(ids), sorted(named[title])) for title, ids in members.items()),
        key=lambda r: (-r.count, r.title),
    )
