"""Rota services: the calendar, loading slots, who is on duty, "who do I call now?",
coverage warnings, the teams per subregion, and changes to the rota."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission, RoleCode
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import (
    Membership,
    Organization,
    PostcodeArea,
    Region,
    Subregion,
)

from .. import schedule
from ..models import DatedSlot, Slot, WeeklySlot

#: Public holidays follow the Dutch calendar (the ``holidays`` package).
HOLIDAY_COUNTRY = "NL"
#: How far "who is on duty" looks ahead for "until when" and "next change".
LOOK_AHEAD = dt.timedelta(days=14)
#: Longest period the coverage check looks at.
MAX_COVERAGE_WEEKS = 12


# --- the calendar ------------------------------------------------------------------------


def holiday_calendar() -> schedule.PublicHolidays:
    """Dutch public holidays, named in the user's language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return schedule.PublicHolidays(HOLIDAY_COUNTRY, "nl" if language.startswith("nl") else "en_US")


def local_timezone() -> dt.tzinfo:
    return timezone.get_default_timezone()


# --- loading the rota --------------------------------------------------------------------


@dataclass
class RotaData:
    """The slots of one region that may apply in a period, ready for the engine."""

    weekly: list[WeeklySlot]
    dated: list[DatedSlot]
    member_phones: dict[tuple[int, int], str] = field(default_factory=dict)

    def phone_for(self, slot: Slot) -> str:
        """The slot's own number, else the specialist's direct number in the team, else the
        specialist's number, else the team's number."""
        if slot.phone:
            return slot.phone
        if slot.specialist is not None:
            direct = self.member_phones.get((slot.specialist.pk, slot.team_id))
            if direct:
                return direct
            if slot.specialist.phone:
                return slot.specialist.phone
        return slot.team.phone

    def assignment(self, slot: Slot) -> schedule.Assignment:
        return schedule.Assignment(
            source="dated" if isinstance(slot, DatedSlot) else "weekly",
            slot_id=slot.pk,
            kind=slot.kind,
            team_id=slot.team_id,
            team_name=slot.team.name,
            phone=self.phone_for(slot),
            subregion_id=slot.subregion_id,
            specialist_id=slot.specialist_id,
            specialist_name=slot.specialist.full_name if slot.specialist is not None else "",
        )

    def rules(self) -> list[schedule.Rule]:
        """Every rule of the loaded slots; each call gets its own list."""
        return list(self._rules)

    def rules_for(self, subregion_id: int) -> list[schedule.Rule]:
        """The rules that apply in one subregion: its own and the region-wide ones."""
        return [r for r in self._rules if r.assignment.subregion_id in (None, subregion_id)]

    @cached_property
    def _rules(self) -> list[schedule.Rule]:
        """Built from the slots once, on first use: a region's coverage check asks for every
        subregion. The slots are not changed after loading."""
        return self._build_rules()

    def _build_rules(self) -> list[schedule.Rule]:
        found: list[schedule.Rule] = []
        for w in self.weekly:
            found.append(
                schedule.Rule(
                    self.assignment(w),
                    w.start_time,
                    w.end_time,
                    days=w.days,
                    valid_from=w.valid_from,
                    valid_until=w.valid_until,
                )
            )
        for d in self.dated:
            found.append(schedule.Rule(self.assignment(d), d.start_time, d.end_time, date=d.date))
        return found


def load_rota(region_id: int, start: dt.date, end: dt.date) -> RotaData:
    """Slots of active teams in ``region_id`` that may apply between two dates (3 queries)."""
    weekly = list(
        WeeklySlot.objects.for_region(region_id)
        .valid_between(start, end)
        .filter(team__is_active=True)
        .with_people()
    )
    dated = list(
        DatedSlot.objects.for_region(region_id)
        .between(start, end)
        .filter(team__is_active=True)
        .with_people()
    )
    slots: list[Slot] = [*weekly, *dated]
    specialists = {s.specialist_id for s in slots if s.specialist_id}
    phones: dict[tuple[int, int], str] = {}
    if specialists:
        rows = (
            Membership.objects.current()
            .filter(
                professional_id__in=specialists,
                organization_id__in={s.team_id for s in slots},
            )
            .exclude(phone="")
            .values_list("professional_id", "organization_id", "phone")
        )
        phones = {(p, o): phone for p, o, phone in rows}
    return RotaData(weekly, dated, phones)


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(local_timezone()).date()


# --- who is on duty ----------------------------------------------------------------------


def on_duty(subregion: Subregion, moment: dt.datetime | None = None) -> schedule.OnDuty:
    """Who is on call for ``subregion`` at ``moment`` (default: now): the team and, if known,
    the specialist and number; until when; and who comes next."""
    moment = moment or timezone.now()
    data = load_rota(
        subregion.region_id,
        _local_date(moment) - dt.timedelta(days=1),
        _local_date(moment + LOOK_AHEAD) + dt.timedelta(days=1),
    )
    return schedule.on_duty(
        data.rules_for(subregion.pk),
        moment,
        tz=local_timezone(),
        calendar=holiday_calendar(),
        look_ahead=LOOK_AHEAD,
    )


class PostcodeNotFound(Exception):
    """No postcode area with these four digits is known."""

    def __init__(self, pc4: str) -> None:
        super().__init__(pc4)
        self.pc4 = pc4


class OutsideNetwork(Exception):
    """The postcode area is known but its municipality belongs to no subregion."""

    def __init__(self, area: PostcodeArea) -> None:
        super().__init__(area.pc4)
        self.area = area


def find_postcode_area(pc4: str) -> tuple[PostcodeArea, Subregion]:
    """PC4 → municipality → subregion (the directory's mapping)."""
    area = (
        PostcodeArea.objects.select_related("municipality__subregion__region")
        .filter(pk=pc4)
        .first()
    )
    if area is None:
        raise PostcodeNotFound(pc4)
    municipality = area.municipality
    if municipality is None or municipality.subregion is None:
        raise OutsideNetwork(area)
    return area, municipality.subregion


@dataclass(frozen=True)
class WhoToCall:
    """The answer for a postcode area at a moment (and the public holiday, if it is one)."""

    area: PostcodeArea
    subregion: Subregion
    duty: schedule.OnDuty
    holiday: str | None = None


def who_to_call(pc4: str, moment: dt.datetime | None = None) -> WhoToCall:
    """ "Who do I call now?" for a postcode area. Raises PostcodeNotFound or OutsideNetwork."""
    moment = moment or timezone.now()
    area, subregion = find_postcode_area(pc4)
    holiday = holiday_calendar().holiday_name(_local_date(moment))
    return WhoToCall(area, subregion, on_duty(subregion, moment), holiday)


@dataclass(frozen=True)
class TeamEntry:
    """A consultation team with its palliative care specialists, for the "specialists" page."""

    team: Organization
    kinds: list[str]
    specialists: list[Membership]


def _specialists_of(team: Organization) -> list[Membership]:
    members: list[Membership] = getattr(team, "specialist_memberships", [])
    return list(members)


@dataclass(frozen=True)
class ScopeTeams:
    label: str
    subregion: Subregion | None
    teams: list[TeamEntry]


def teams_by_subregion() -> list[ScopeTeams]:
    """Consultation teams and their specialists per subregion, as the weekly rota places them
    (teams without slots under their own subregion, or "region-wide")."""
    specialists = Prefetch(
        "memberships",
        queryset=Membership.objects.current()
        .filter(role__code=RoleCode.PALLIATIVE_SPECIALIST, professional__is_active=True)
        .select_related("professional")
        .order_by("professional__family_name"),
        to_attr="specialist_memberships",
    )
    teams = {
        t.pk: t
        for t in Organization.objects.active()
        .filter(type=OrganizationType.CONSULTATION_TEAM)
        .prefetch_related(specialists, "locations")
    }
    placed: dict[tuple[int | None, int], set[str]] = {}
    for team_id, slot_sub_id, kind in WeeklySlot.objects.filter(team_id__in=teams).values_list(
        "team_id", "subregion_id", "kind"
    ):
        placed.setdefault((slot_sub_id, team_id), set()).add(kind)
    placed_teams = {team_id for _sub, team_id in placed}
    for team in teams.values():
        if team.pk not in placed_teams:
            placed[(team.subregion_id, team.pk)] = set()
    subregions = list(Subregion.objects.select_related("region").order_by("region__name", "name"))
    scopes: list[ScopeTeams] = []
    for sub in [None, *subregions]:
        sub_id: int | None = sub.pk if sub is not None else None
        entries = [
            TeamEntry(teams[t], sorted(kinds), _specialists_of(teams[t]))
            for (s, t), kinds in sorted(placed.items(), key=lambda kv: teams[kv[0][1]].name)
            if s == sub_id
        ]
        if entries or sub is not None:
            label = sub.name if sub is not None else str(_("Region-wide"))
            scopes.append(ScopeTeams(label, sub, entries))
    return scopes


# --- coverage ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SubregionCoverage:
    subregion: Subregion
    issues: list[schedule.CoverageIssue]

    @property
    def gaps(self) -> list[schedule.CoverageIssue]:
        return [i for i in self.issues if i.problem == "gap"]

    @property
    def overlaps(self) -> list[schedule.CoverageIssue]:
        return [i for i in self.issues if i.problem == "overlap"]


@dataclass(frozen=True)
class RegionCoverage:
    region: Region
    start: dt.datetime
    end: dt.datetime
    subregions: list[SubregionCoverage]
    holidays: list[tuple[dt.date, str]]

    @property
    def issue_count(self) -> int:
        return sum(len(s.issues) for s in self.subregions)


def coverage(
    start: dt.datetime | None = None, *, weeks: int = 4, region: Region | None = None
) -> list[RegionCoverage]:
    """Uncovered and double-covered times per subregion from ``start`` for ``weeks`` weeks."""
    weeks = max(1, min(weeks, MAX_COVERAGE_WEEKS))
    start = start or timezone.now()
    start = start.replace(second=0, microsecond=0)
    end = start + dt.timedelta(weeks=weeks)
    regions = Region.objects.prefetch_related("subregions").order_by("name")
    if region is not None:
        regions = regions.filter(pk=region.pk)
    tz, calendar = local_timezone(), holiday_calendar()
    first_day, last_day = _local_date(start), _local_date(end)
    result: list[RegionCoverage] = []
    for reg in regions:
        data = load_rota(reg.pk, first_day, last_day)
        rows = [
            SubregionCoverage(
                sub,
                schedule.coverage_issues(
                    data.rules_for(sub.pk), start, end, tz=tz, calendar=calendar
                ),
            )
            for sub in reg.subregions.all()
        ]
        result.append(RegionCoverage(reg, start, end, rows, calendar.between(first_day, last_day)))
    return result


# --- rota changes ------------------------------------------------------------------------


def _slot_details(slot: Slot) -> dict[str, Any]:
    details: dict[str, Any] = {
        "region_id": slot.region_id,
        "subregion_id": slot.subregion_id,
        "kind": slot.kind,
        "team_id": slot.team_id,
        "specialist_id": slot.specialist_id,
        "phone": slot.phone,
        "start_time": slot.start_time.isoformat(timespec="minutes"),
        "end_time": slot.end_time.isoformat(timespec="minutes"),
    }
    if isinstance(slot, WeeklySlot):
        details["days"] = slot.days
        details["valid_from"] = slot.valid_from.isoformat() if slot.valid_from else None
        details["valid_until"] = slot.valid_until.isoformat() if slot.valid_until else None
    elif isinstance(slot, DatedSlot):
        details["date"] = slot.date.isoformat()
    return details


S = TypeVar("S", bound=Slot)


@transaction.atomic
def save_slot(slot: S, *, actor: Actor) -> S:
    """Add or change a weekly or dated rota slot (network coordinator)."""
    actor.require(Permission.MANAGE_ROTA)
    created = slot.pk is None
    slot.full_clean()
    slot.save()
    audit.record(
        f"consultations.{_slot_event(slot)}_{'created' if created else 'changed'}",
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        subject=slot,
        purpose=AuditPurpose.ADMINISTRATION,
        details=_slot_details(slot),
    )
    return slot


@transaction.atomic
def remove_slot(slot: Slot, *, actor: Actor) -> None:
    """Remove a rota slot; what it was stays in the access log."""
    actor.require(Permission.MANAGE_ROTA)
    audit.record(
        f"consultations.{_slot_event(slot)}_removed",
        actor=actor,
        action=AuditAction.DELETE,
        subject=slot,
        purpose=AuditPurpose.ADMINISTRATION,
        details=_slot_details(slot),
    )
    slot.delete()


def _slot_event(slot: Slot) -> str:
    return "dated_slot" if isinstance(slot, DatedSlot) else "weekly_slot"
