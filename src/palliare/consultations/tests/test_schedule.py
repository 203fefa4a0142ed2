"""The rota engine, without a database: which slots apply on which day (weekdays, Dutch public
holidays, validity, dated precedence), who is on duty until when and who comes next, gaps and
overlaps, and daylight-saving days. Property: a timeline always tiles its period exactly."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palliare.consultations.constants import HOLIDAY_BIT, SlotKind
from palliare.consultations.schedule import (
    Assignment,
    PublicHolidays,
    Rule,
    coverage_issues,
    on_duty,
    timeline,
)

TZ = ZoneInfo("Europe/Amsterdam")
NL = PublicHolidays("NL", "nl")
MON_FRI = 0b0011111
SAT_SUN = 0b1100000
SUB = 7


def at(day: str, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=TZ)


def assignment(slot_id: int, team: str, *, subregion: int | None = SUB, **kw) -> Assignment:
    return Assignment(
        source=kw.pop("source", "weekly"),
        slot_id=slot_id,
        kind=kw.pop("kind", SlotKind.OFFICE_HOURS if subregion else SlotKind.OUT_OF_HOURS),
        team_id=kw.pop("team_id", slot_id),
        team_name=team,
        phone=kw.pop("phone", f"0592 000 {slot_id:03d}"),
        subregion_id=subregion,
        **kw,
    )


def weekly(slot_id, team, days, start, end, *, subregion=SUB, valid=(None, None), **kw) -> Rule:
    return Rule(
        assignment(slot_id, team, subregion=subregion, **kw),
        dt.time(*start),
        dt.time(*end),
        days=days,
        valid_from=valid[0],
        valid_until=valid[1],
    )


def standard_rota() -> list[Rule]:
    """Office hours in the subregion, out of hours region-wide: complete, no overlaps."""
    anw = {"subregion": None, "team_id": 2, "phone": "0592 700 900"}
    return [
        weekly(1, "Team Subregio", MON_FRI, (8, 0), (17, 0)),
        weekly(2, "Team ANW", MON_FRI, (17, 0), (0, 0), **anw),
        weekly(3, "Team ANW", MON_FRI, (0, 0), (8, 0), **anw),
        weekly(4, "Team ANW", SAT_SUN | HOLIDAY_BIT, (0, 0), (0, 0), **anw),
    ]


def who_at(rules, moment):
    return on_duty(rules, moment, tz=TZ, calendar=NL)


def test_tuesday_morning_is_the_subregional_team_until_five():
    duty = who_at(standard_rota(), at("2026-03-10", 10))
    assert duty.primary.team_name == "Team Subregio"
    assert duty.until == at("2026-03-10", 17).astimezone(dt.UTC)
    assert duty.next.primary.team_name == "Team ANW"


def test_sunday_night_is_the_out_of_hours_team_until_monday_eight():
    duty = who_at(standard_rota(), at("2026-03-08", 23))
    assert duty.primary.team_name == "Team ANW"
    assert duty.primary.is_region_wide
    # Sunday 00–24 and Monday 00–08 are two slots of the same team and number: one stretch.
    assert duty.until == at("2026-03-09", 8).astimezone(dt.UTC)
    assert duty.next.primary.team_name == "Team Subregio"


def test_weekday_evening_runs_through_the_night_to_eight():
    duty = who_at(standard_rota(), at("2026-03-10", 18, 30))
    assert duty.primary.team_name == "Team ANW"
    assert duty.until == at("2026-03-11", 8).astimezone(dt.UTC)


def test_public_holiday_on_a_weekday_is_out_of_hours_all_day():
    assert NL.holiday_name(dt.date(2026, 4, 6)) == "Tweede paasdag"
    duty = who_at(standard_rota(), at("2026-04-06", 10))  # Easter Monday
    assert duty.primary.team_name == "Team ANW"
    # From Saturday through Easter Monday to Tuesday 08:00 the out-of-hours team answers.
    assert duty.until == at("2026-04-07", 8).astimezone(dt.UTC)


def test_office_hours_slot_never_applies_on_a_holiday():
    rule = weekly(1, "Team Subregio", MON_FRI, (8, 0), (17, 0))
    assert not rule.applies_on(dt.date(2026, 4, 6), is_holiday=True)
    assert rule.applies_on(dt.date(2026, 4, 7), is_holiday=False)


def test_validity_period_limits_a_weekly_slot():
    rule = weekly(
        1, "T", MON_FRI, (8, 0), (17, 0), valid=(dt.date(2026, 3, 2), dt.date(2026, 3, 6))
    )
    assert not rule.applies_on(dt.date(2026, 2, 27), is_holiday=False)
    assert rule.applies_on(dt.date(2026, 3, 2), is_holiday=False)
    assert not rule.applies_on(dt.date(2026, 3, 9), is_holiday=False)


def test_dated_slot_takes_precedence_for_the_time_it_covers():
    replacement = Rule(
        assignment(9, "Team Vervanging", source="dated"),
        dt.time(12, 0),
        dt.time(17, 0),
        date=dt.date(2026, 3, 10),
    )
    rules = [*standard_rota(), replacement]
    morning = who_at(rules, at("2026-03-10", 10))
    assert morning.primary.team_name == "Team Subregio"
    assert morning.until == at("2026-03-10", 12).astimezone(dt.UTC)
    assert morning.next.primary.team_name == "Team Vervanging"
    afternoon = who_at(rules, at("2026-03-10", 13))
    assert afternoon.primary.team_name == "Team Vervanging"
    assert afternoon.others == ()  # the weekly slot is replaced, not doubled
    issues = coverage_issues(rules, at("2026-03-09"), at("2026-03-16"), tz=TZ, calendar=NL)
    assert issues == []


def test_gap_is_reported_with_its_times():
    rules = [r for r in standard_rota() if r.assignment.slot_id != 2]  # no evenings
    issues = coverage_issues(rules, at("2026-03-09"), at("2026-03-11"), tz=TZ, calendar=NL)
    assert [(i.problem, i.start, i.end) for i in issues] == [
        ("gap", at("2026-03-09", 17).astimezone(dt.UTC), at("2026-03-10").astimezone(dt.UTC)),
        ("gap", at("2026-03-10", 17).astimezone(dt.UTC), at("2026-03-11").astimezone(dt.UTC)),
    ]
    duty = who_at(rules, at("2026-03-09", 18))
    assert duty.is_gap
    assert duty.until == at("2026-03-10").astimezone(dt.UTC)
    assert duty.next.primary.team_name == "Team ANW"


def test_overlap_is_reported_with_both_teams():
    extra = weekly(5, "Team Extra", 0b0000010, (16, 0), (18, 0), team_id=5)  # Tuesday
    rules = [*standard_rota(), extra]
    issues = coverage_issues(rules, at("2026-03-09"), at("2026-03-16"), tz=TZ, calendar=NL)
    assert [i.problem for i in issues] == ["overlap", "overlap"]
    first, second = issues
    assert (first.start, first.end) == (
        at("2026-03-10", 16).astimezone(dt.UTC),
        at("2026-03-10", 17).astimezone(dt.UTC),
    )
    assert {a.team_name for a in first.assignments} == {"Team Subregio", "Team Extra"}
    assert {a.team_name for a in second.assignments} == {"Team ANW", "Team Extra"}
    duty = who_at(rules, at("2026-03-10", 16, 30))
    assert duty.primary.team_name == "Team Subregio"  # subregional before region-wide/extra
    assert [a.team_name for a in duty.others] == ["Team Extra"]


@pytest.mark.django_db
def test_other_subregions_slots_are_not_given_to_the_engine_but_region_wide_ones_are():
    """The engine treats every rule it gets as applying: the rota loader gives it the
    subregion's own slots and the region-wide ones, never another subregion's."""
    from palliare.consultations.factories import WeeklySlotFactory
    from palliare.consultations.services.rota import load_rota
    from palliare.organizations.factories import SubregionFactory

    mine = SubregionFactory()
    other = SubregionFactory(region=mine.region)
    own = WeeklySlotFactory(subregion=mine, office_hours=True)
    WeeklySlotFactory(subregion=other, office_hours=True)
    wide = WeeklySlotFactory(subregion=None, region=mine.region, nights=True)
    rota = load_rota(mine.region_id, dt.date(2026, 3, 9), dt.date(2026, 3, 16))
    subregions = {r.assignment.subregion_id for r in rota.rules_for(mine.pk)}
    assert subregions == {mine.pk, None}
    teams = {r.assignment.team_id for r in rota.rules_for(mine.pk)}
    assert teams == {own.team_id, wide.team_id}


def test_empty_rota_is_one_gap():
    issues = coverage_issues([], at("2026-03-09"), at("2026-03-16"), tz=TZ, calendar=NL)
    assert len(issues) == 1
    assert issues[0].duration == dt.timedelta(days=7)
    duty = who_at([], at("2026-03-09", 12))
    assert duty.is_gap and duty.until is None and duty.next is None


def test_daylight_saving_days_have_no_gaps():
    # Spring forward (29 March 2026) and fall back (25 October 2026) in Europe/Amsterdam.
    for start in ("2026-03-28", "2026-10-24"):
        issues = coverage_issues(
            standard_rota(), at(start), at(start) + dt.timedelta(days=3), tz=TZ, calendar=NL
        )
        assert issues == [], start
    spring = timeline(standard_rota(), at("2026-03-29"), at("2026-03-30"), tz=TZ, calendar=NL)
    assert sum((s.end - s.start for s in spring), dt.timedelta()) == dt.timedelta(hours=23)


def test_holiday_names_follow_the_language():
    assert PublicHolidays("NL", "en_US").holiday_name(dt.date(2026, 12, 25)) == "Christmas Day"
    assert NL.holiday_name(dt.date(2026, 12, 25)) == "Eerste kerstdag"
    assert NL.holiday_name(dt.date(2026, 3, 10)) is None
    assert [d for d, _ in NL.between(dt.date(2026, 4, 1), dt.date(2026, 4, 30))] == [
        dt.date(2026, 4, 3),
        dt.date(2026, 4, 5),
        dt.date(2026, 4, 6),
        dt.date(2026, 4, 27),
    ]


_times = st.integers(min_value=0, max_value=23 * 4).map(lambda q: dt.time(q // 4, q % 4 * 15))


@st.composite
def rules_strategy(draw):
    found = []
    for slot_id in range(draw(st.integers(0, 6))):
        start = draw(_times)
        end = draw(_times)
        if end != dt.time(0) and end <= start:
            start, end = end, start
            if start == end:
                end = dt.time(0)
        days = draw(st.integers(1, 255))
        found.append(
            weekly(
                slot_id + 1,
                f"Team {slot_id}",
                days,
                (start.hour, start.minute),
                (end.hour, end.minute),
                team_id=slot_id % 3,
            )
        )
    return found


@settings(max_examples=60, deadline=None)
@given(rules=rules_strategy(), offset=st.integers(0, 24 * 60), hours=st.integers(1, 24 * 9))
def test_timeline_tiles_the_period(rules, offset, hours):
    start = at("2026-03-27") + dt.timedelta(minutes=offset)  # spans the DST change
    end = start + dt.timedelta(hours=hours)
    segments = timeline(rules, start, end, tz=TZ, calendar=NL)
    assert segments[0].start == start.astimezone(dt.UTC)
    assert segments[-1].end == end.astimezone(dt.UTC)
    for left, right in itertools.pairwise(segments):
        assert left.end == right.start
        assert left.assignments != right.assignments
    issues = coverage_issues(rules, start, end, tz=TZ, calendar=NL)
    gap_time = sum((i.duration for i in issues if i.problem == "gap"), dt.timedelta())
    assert gap_time == sum((s.end - s.start for s in segments if s.is_gap), dt.timedelta())
