"""The agenda is generated from the register of the core team's GP practices, in sections
(newly marked since the previous meeting, urgent red/orange, plans due for review via a hook,
open signals, recently deceased). It is a snapshot: it changes only when refreshed, which keeps
removed and hand-added patients as the coordinator left them and is refused once the meeting is
held. Other apps feed sections through the section registry."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palliare.meetings import agenda, services
from palliare.meetings.constants import MeetingStatus
from palliare.meetings.factories import MeetingFactory
from palliare.meetings.models import AgendaItem
from palliare.patients.constants import PlaceOfDeath, SignalStatus
from palliare.patients.factories import PatientFactory, SignalFactory
from palliare.patients.models import DeathRegistration

from .conftest import at, days_ago

pytestmark = pytest.mark.django_db


def _plan(world, days=7):
    return services.plan_meeting(world.coordinator, world.team, starts_at=at(days))


def _sections(meeting):
    items = AgendaItem.objects.filter(meeting=meeting, removed_at__isnull=True)
    return {i.patient_id: (i.section, i.reasons) for i in items}


def test_sections_come_from_the_register(world):
    p = world.practice
    newly = PatientFactory(gp_practice=p, marked=True, marked_since=days_ago(10))
    old_marked = PatientFactory(gp_practice=p, marked=True, marked_since=days_ago(400))
    red = PatientFactory(gp_practice=p, marked=True, marked_since=days_ago(400), urgency="red")
    orange = PatientFactory(
        gp_practice=p, marked=True, marked_since=days_ago(400), urgency="orange"
    )
    green = PatientFactory(gp_practice=p, marked=True, marked_since=days_ago(400), urgency="green")
    signalled = PatientFactory(gp_practice=p)
    SignalFactory(patient=signalled)
    handled = PatientFactory(gp_practice=p)
    SignalFactory(patient=handled, status=SignalStatus.HANDLED)
    died = PatientFactory(gp_practice=p, date_of_death=days_ago(5))
    DeathRegistration.objects.create(
        patient=died,
        date_of_death=days_ago(5),
        place_of_death=PlaceOfDeath.HOME,
        expected="yes",
        preferred_place_known="yes",
        preferred_place_achieved="yes",
        palliative_sedation="no",
        had_care_plan="yes",
        recorded_by=world.gp.user,
        recorded_by_name="Dr",
        organization=p,
    )
    died_long_ago = PatientFactory(gp_practice=p, date_of_death=days_ago(300))
    elsewhere = PatientFactory(gp_practice=world.other_practice, marked=True, urgency="red")

    meeting = _plan(world)
    services.prepare_agenda(world.coordinator, meeting)
    found = _sections(meeting)
    assert found[newly.pk][0] == "newly_marked"
    assert found[red.pk][0] == found[orange.pk][0] == "urgent"
    assert found[signalled.pk][0] == "open_signals"
    assert found[died.pk][0] == "deceased"
    for absent in (old_marked, green, handled, died_long_ago, elsewhere):
        assert absent.pk not in found
    item = AgendaItem.objects.get(meeting=meeting, patient=died)
    assert item.detail["place_of_death"] == PlaceOfDeath.HOME
    assert item.is_after_death_review
    # Urgent: red before orange.
    urgent = list(AgendaItem.objects.filter(meeting=meeting, section="urgent").order_by("position"))
    assert [i.patient_id for i in urgent] == [red.pk, orange.pk]
    meeting.refresh_from_db()
    assert meeting.agenda_prepared_at is not None
    assert meeting.agenda_since == days_ago(-7 + 56)


def test_patient_in_several_sections_is_listed_once_with_reasons(world):
    patient = PatientFactory(
        gp_practice=world.practice, marked=True, marked_since=days_ago(3), urgency="red"
    )
    SignalFactory(patient=patient)
    meeting = _plan(world)
    services.prepare_agenda(world.coordinator, meeting)
    item = AgendaItem.objects.get(meeting=meeting, patient=patient)
    assert item.section == "newly_marked"
    assert item.reasons == ["newly_marked", "urgent", "open_signals"]
    assert item.detail["urgency"] == "red"
    assert item.detail["open_signals"] == 1


def test_since_the_previous_meeting(world):
    MeetingFactory(core_team=world.team, starts_at=at(-14), status=MeetingStatus.HELD)
    MeetingFactory(core_team=world.team, starts_at=at(-3), status=MeetingStatus.CANCELLED)
    before = PatientFactory(gp_practice=world.practice, marked=True, marked_since=days_ago(20))
    after = PatientFactory(gp_practice=world.practice, marked=True, marked_since=days_ago(10))
    meeting = _plan(world)
    assert services.previous_meeting(meeting).starts_at == at(-14)
    services.prepare_agenda(world.coordinator, meeting)
    found = _sections(meeting)
    assert after.pk in found
    assert before.pk not in found


def test_agenda_is_a_snapshot_until_refreshed(world):
    first = PatientFactory(gp_practice=world.practice, urgency="red")
    meeting = _plan(world)
    services.prepare_agenda(world.coordinator, meeting)
    later = PatientFactory(gp_practice=world.practice, urgency="orange")
    assert later.pk not in _sections(meeting)
    first.urgency = ""
    first.save()
    assert first.pk in _sections(meeting)  # the snapshot did not change

    services.prepare_agenda(world.coordinator, meeting)
    found = _sections(meeting)
    assert later.pk in found
    assert first.pk not in found  # no longer urgent and nothing recorded: dropped


def test_refresh_keeps_removed_manual_and_discussed_items(world):
    removed = PatientFactory(gp_practice=world.practice, urgency="red")
    discussed = PatientFactory(gp_practice=world.practice, urgency="red")
    manual = PatientFactory(gp_practice=world.practice)
    meeting = _plan(world)
    services.prepare_agenda(world.coordinator, meeting)
    services.remove_agenda_item(
        world.coordinator, AgendaItem.objects.get(meeting=meeting, patient=removed)
    )
    services.add_agenda_patient(world.coordinator, meeting, manual)
    item = AgendaItem.objects.get(meeting=meeting, patient=discussed)
    services.save_minutes(
        world.coordinator, item, data={"physical": "Pijn goed onder controle."}, expected_version=0
    )
    discussed.urgency = "green"
    discussed.save()

    services.prepare_agenda(world.coordinator, meeting)
    found = _sections(meeting)
    assert removed.pk not in found  # stays removed
    assert AgendaItem.objects.get(meeting=meeting, patient=removed).is_removed
    assert found[manual.pk][0] == "other"
    assert discussed.pk in found  # minutes recorded: kept


def test_removing_a_discussed_patient_is_refused(world):
    patient = PatientFactory(gp_practice=world.practice, urgency="red")
    meeting = _plan(world)
    services.prepare_agenda(world.coordinator, meeting)
    item = AgendaItem.objects.get(meeting=meeting, patient=patient)
    services.save_minutes(world.coordinator, item, data={"decisions": "x"}, expected_version=0)
    with pytest.raises(ValidationError):
        services.remove_agenda_item(world.coordinator, item)


def test_reorder_within_a_section_survives_refresh(world):
    a = PatientFactory(gp_practice=world.practice, urgency="red", family_name="Aalders")
    b = PatientFactory(gp_practice=world.practice, urgency="red", family_name="Bos")
    meeting = _plan(world)
    services.prepare_agenda(world.coordinator, meeting)

    def order():
        return list(
            AgendaItem.objects.filter(meeting=meeting, section="urgent")
            .order_by("position")
            .values_list("patient_id", flat=True)
        )

    assert order() == [a.pk, b.pk]
    services.move_agenda_item(
        world.coordinator, AgendaItem.objects.get(meeting=meeting, patient=b), "up"
    )
    assert order() == [b.pk, a.pk]
    c = PatientFactory(gp_practice=world.practice, urgency="red", family_name="Aa")
    services.prepare_agenda(world.coordinator, meeting)
    assert order() == [b.pk, a.pk, c.pk]  # reordered agenda: new patients at the end


def test_add_patient_by_hand_checks_register_and_duplicates(world):
    meeting = _plan(world)
    own = PatientFactory(gp_practice=world.practice)
    elsewhere = PatientFactory(gp_practice=world.other_practice)
    item = services.add_agenda_patient(world.coordinator, meeting, own, section="urgent")
    assert item.is_manual and item.section == "urgent"
    with pytest.raises(ValidationError):
        services.add_agenda_patient(world.coordinator, meeting, own)
    with pytest.raises(ValidationError):
        services.add_agenda_patient(world.coordinator, meeting, elsewhere)
    with pytest.raises(ValidationError):
        services.add_agenda_patient(world.coordinator, meeting, own, section="nonsense")
    meeting.refresh_from_db()
    assert meeting.agenda_prepared_at is not None


def test_agenda_frozen_once_held(world):
    meeting = MeetingFactory(core_team=world.team, held=True)
    with pytest.raises(ValidationError):
        services.prepare_agenda(world.coordinator, meeting)
    with pytest.raises(ValidationError):
        services.add_agenda_patient(
            world.coordinator, meeting, PatientFactory(gp_practice=world.practice)
        )


def test_only_the_practice_prepares(world):
    meeting = _plan(world)
    for actor in (world.nurse, world.other_gp, world.specialist):
        with pytest.raises(PermissionDenied):
            services.prepare_agenda(actor, meeting)
    services.prepare_agenda(world.poh, meeting)


def test_other_apps_feed_a_section(world):
    """Another app plugs into a section like the careplans app does into "plan_review"."""
    patient = PatientFactory(gp_practice=world.practice, marked=True, marked_since=days_ago(200))
    original = agenda.section("plan_review")
    assert original is not None

    def plans_due(ctx):
        assert ctx.practice_ids == (world.practice.pk,)
        ids = ctx.patients().marked().values_list("pk", flat=True)
        return [agenda.Candidate(pk, {"due_on": "2030-01-01"}) for pk in ids]

    agenda.register_source("plan_review", plans_due)
    try:
        meeting = _plan(world)
        services.prepare_agenda(world.coordinator, meeting)
        item = AgendaItem.objects.get(meeting=meeting, patient=patient)
        assert item.section == "plan_review"
        assert item.detail["due_on"] == "2030-01-01"
    finally:
        agenda.register_section(
            "plan_review",
            label=original.label,
            description=original.description,
            order=original.order,
            unfed_note=original.unfed_note,
            source=original.source,
        )
    with pytest.raises(KeyError):
        agenda.register_source("no_such_section", plans_due)
