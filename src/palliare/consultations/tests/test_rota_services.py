"""Rota services against the database: on duty per subregion (own and region-wide slots only,
inactive teams ignored), the phone number chosen, "who do I call now?" for a postcode with clear
failures, coverage per subregion, and rota changes that need MANAGE_ROTA and are logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.consultations import services
from palliare.consultations.constants import SlotKind
from palliare.consultations.factories import (
    ConsultationTeamFactory,
    DatedSlotFactory,
    WeeklySlotFactory,
)
from palliare.consultations.models import DatedSlot, Slot, WeeklySlot
from palliare.consultations.services.rota import RotaData, load_rota
from palliare.organizations.factories import (
    MunicipalityFactory,
    PostcodeAreaFactory,
    SubregionFactory,
)

from .conftest import local

pytestmark = pytest.mark.django_db


def test_on_duty_tuesday_morning_and_sunday_night(rota):
    morning = services.on_duty(rota.subregion, local("2026-03-10", 10))
    assert morning.primary.team_id == rota.office_team.pk
    assert morning.primary.phone == "0592 111 111"
    night = services.on_duty(rota.subregion, local("2026-03-08", 23))
    assert night.primary.team_id == rota.anw_team.pk
    assert night.primary.is_region_wide


def test_other_subregions_slots_do_not_apply(rota):
    other = SubregionFactory(region=rota.subregion.region)
    WeeklySlotFactory(subregion=other, office_hours=True)
    duty = services.on_duty(rota.subregion, local("2026-03-10", 10))
    assert duty.others == ()
    issues = services.coverage(local("2026-03-09"), weeks=1)[0]
    by_subregion = {row.subregion.pk: row for row in issues.subregions}
    assert by_subregion[rota.subregion.pk].issues == []
    # The other subregion has office hours only from its own slot, plus the region-wide ones.
    assert by_subregion[other.pk].issues == []


def test_inactive_team_leaves_a_gap(rota):
    rota.office_team.is_active = False
    rota.office_team.save()
    duty = services.on_duty(rota.subregion, local("2026-03-10", 10))
    assert duty.is_gap


def test_phone_prefers_slot_then_specialist_direct_then_specialist_then_team(rota):
    slot = rota.slots[0]  # office hours
    membership = rota.specialist
    slot.specialist = membership.professional
    slot.save()
    membership.phone = "06 1234 5678"
    membership.save()
    assert services.on_duty(rota.subregion, local("2026-03-10", 10)).primary.phone == (
        "06 1234 5678"
    )
    membership.phone = ""
    membership.save()
    assert services.on_duty(rota.subregion, local("2026-03-10", 10)).primary.phone == (
        membership.professional.phone
    )
    slot.phone = "0592 222 222"
    slot.save()
    duty = services.on_duty(rota.subregion, local("2026-03-10", 10))
    assert duty.primary.phone == "0592 222 222"
    assert duty.primary.specialist_name == membership.professional.full_name


def test_who_to_call_for_a_postcode(rota):
    answer = services.who_to_call("9401", local("2026-03-10", 10))
    assert answer.subregion == rota.subregion
    assert answer.duty.primary.team_name == "Consultatieteam Assen"
    assert answer.holiday is None
    holiday = services.who_to_call("9401", local("2026-04-06", 10))
    assert holiday.holiday  # Easter Monday, named in the active language
    assert holiday.duty.primary.team_id == rota.anw_team.pk


def test_unknown_postcode_and_postcode_outside_the_network(rota):
    with pytest.raises(services.PostcodeNotFound):
        services.who_to_call("1011")
    PostcodeAreaFactory(pc4="1012", municipality=MunicipalityFactory(subregion=None))
    with pytest.raises(services.OutsideNetwork):
        services.who_to_call("1012")


@pytest.mark.parametrize(
    ("text", "pc4"),
    [("9401", "9401"), ("9401 AB", "9401"), (" 9401ab ", "9401"), ("0401", None), ("94", None)],
)
def test_parse_pc4(text, pc4):
    assert services.parse_pc4(text) == pc4


def test_coverage_reports_gap_and_overlap_per_subregion(rota):
    evenings = rota.slots[1]
    evenings.delete()
    DatedSlotFactory(
        subregion=rota.subregion,
        team=ConsultationTeamFactory(),
        date=dt.date(2026, 3, 11),
        start_time=dt.time(9),
        end_time=dt.time(10),
    )
    DatedSlotFactory(
        subregion=None,
        region=rota.subregion.region,
        team=rota.anw_team,
        date=dt.date(2026, 3, 11),
        start_time=dt.time(9, 30),
        end_time=dt.time(11),
    )
    [region] = services.coverage(local("2026-03-09"), weeks=1)
    [row] = [r for r in region.subregions if r.subregion == rota.subregion]
    assert len(row.gaps) == 5  # Monday–Friday evenings
    assert row.gaps[0].start == local("2026-03-09", 17).astimezone(dt.UTC)
    assert [(o.start, o.end) for o in row.overlaps] == [
        (local("2026-03-11", 9, 30).astimezone(dt.UTC), local("2026-03-11", 10).astimezone(dt.UTC))
    ]
    # Dated slots replace the weekly office hours only where they apply: 11:00–17:00 is the
    # weekly team again, 08:00–09:00 too.
    duty = services.on_duty(rota.subregion, local("2026-03-11", 8))
    assert duty.primary.team_id == rota.office_team.pk
    assert duty.until == local("2026-03-11", 9).astimezone(dt.UTC)


def test_coverage_weeks_are_bounded(rota):
    [region] = services.coverage(local("2026-03-09"), weeks=99)
    assert region.end - region.start == dt.timedelta(weeks=services.MAX_COVERAGE_WEEKS)


def test_each_slot_becomes_a_rule_once_per_load_whatever_the_number_of_subregions(
    rota, monkeypatch
):
    """The coverage check asks the loaded rota for the rules of every subregion; each slot is
    turned into a rule once, not once per subregion, and every subregion gets the rules a fresh
    load would give it."""
    region = rota.subregion.region
    for _ in range(3):
        other = SubregionFactory(region=region)
        WeeklySlotFactory(subregion=other, office_hours=True)
        DatedSlotFactory(subregion=other, date=dt.date(2026, 3, 11))
    built: list[tuple[str, int]] = []
    assignment = RotaData.assignment

    def counting(self: RotaData, slot: Slot) -> object:
        built.append((type(slot).__name__, slot.pk))
        return assignment(self, slot)

    monkeypatch.setattr(RotaData, "assignment", counting)
    [result] = services.coverage(local("2026-03-09"), weeks=1, region=region)
    assert len(result.subregions) == region.subregions.count() >= 4
    weekly = WeeklySlot.objects.filter(region=region).values_list("pk", flat=True)
    dated = DatedSlot.objects.filter(region=region).values_list("pk", flat=True)
    slots = [("WeeklySlot", pk) for pk in weekly] + [("DatedSlot", pk) for pk in dated]
    assert sorted(built) == sorted(slots)

    data = load_rota(region.pk, dt.date(2026, 3, 9), dt.date(2026, 3, 16))
    for sub in region.subregions.all():
        fresh = RotaData(data.weekly, data.dated, data.member_phones)
        rules = data.rules_for(sub.pk)
        assert rules == fresh.rules_for(sub.pk)
        subregions = {r.assignment.subregion_id for r in rules}
        assert None in subregions and subregions <= {sub.pk, None}
        rules.clear()  # a caller's list is its own
        assert data.rules_for(sub.pk) == fresh.rules_for(sub.pk)
    assert data.rules() == RotaData(data.weekly, data.dated, data.member_phones).rules()


def test_save_slot_needs_manage_rota_and_is_logged(rota, make_actor):
    slot = WeeklySlot(
        region=rota.subregion.region,
        subregion=rota.subregion,
        kind=SlotKind.OFFICE_HOURS,
        team=rota.office_team,
        days=0b1,
        start_time=dt.time(17),
        end_time=dt.time(18),
    )
    with pytest.raises(PermissionDenied):
        services.save_slot(slot, actor=make_actor(RoleCode.GP))
    coordinator = make_actor(RoleCode.NETWORK_COORDINATOR)
    services.save_slot(slot, actor=coordinator)
    event = AuditEvent.objects.get(event_type="consultations.weekly_slot_created")
    assert event.details["days"] == 1
    assert event.organization_id == coordinator.organization_id
    services.remove_slot(slot, actor=coordinator)
    assert AuditEvent.objects.filter(event_type="consultations.weekly_slot_removed").exists()
    assert not WeeklySlot.objects.filter(pk=slot.pk).exists()


def test_model_validation_refuses_bad_slots(rota, make_actor):
    coordinator = make_actor(RoleCode.NETWORK_COORDINATOR)
    bad = WeeklySlot(
        region=rota.subregion.region,
        subregion=rota.subregion,
        kind=SlotKind.OFFICE_HOURS,
        team=ConsultationTeamFactory.build(type="hospital", subregion=None),
        days=0b1 | 128,
        start_time=dt.time(17),
        end_time=dt.time(8),
    )
    bad.team.save()
    with pytest.raises(ValidationError) as caught:
        services.save_slot(bad, actor=coordinator)
    assert {"end_time", "team", "days"} <= set(caught.value.message_dict)
