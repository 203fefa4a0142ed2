"""Services of core teams, meetings, minutes and actions: the GP practice maintains its core
team; a meeting invites the team and keeps its calendar revision; minutes are append-only
versions and a concurrent save is refused; an action's owner must be allowed to see the
patient; done/undone keeps who and when. Bad input changes nothing and every change is in the
access log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from palliare.audit.models import AuditEvent
from palliare.meetings import services
from palliare.meetings.constants import AttendanceMode, MeetingStatus
from palliare.meetings.factories import AgendaItemFactory, MeetingFactory
from palliare.meetings.models import ActionItem, CoreTeamMember, MinutesVersion
from palliare.notifications.models import Notification
from palliare.organizations.factories import MembershipFactory, ProfessionalFactory
from palliare.patients.constants import CareTeamRole, ConsentScope
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory

from .conftest import at

pytestmark = pytest.mark.django_db


# --- core teams ---


def test_practice_starts_and_maintains_its_core_team(world, make_actor):
    gp = world.gp
    team = services.create_core_team(
        gp, name="Kernteam Noord", coordinator=world.coordinator.membership.professional
    )
    assert list(
        CoreTeamMember.objects.filter(core_team=team).values_list("organization_id", flat=True)
    ) == [world.practice.pk]
    member = services.add_core_team_member(
        gp, team, organization=world.nursing, role=CareTeamRole.DISTRICT_NURSE
    )
    with pytest.raises(ValidationError):
        services.add_core_team_member(
            gp, team, organization=world.nursing, role=CareTeamRole.DISTRICT_NURSE
        )
    stranger = ProfessionalFactory()
    with pytest.raises(ValidationError):
        services.add_core_team_member(
            gp, team, organization=world.nursing, professional=stranger, role=CareTeamRole.OTHER
        )
    services.end_core_team_member(gp, member)
    member.refresh_from_db()
    assert member.ended_on == timezone.localdate()  # kept as history
    practice_row = CoreTeamMember.objects.get(core_team=team, organization=world.practice)
    with pytest.raises(ValidationError):
        services.end_core_team_member(gp, practice_row)
    assert AuditEvent.objects.filter(event_type__startswith="core_team.").count() == 3


def test_only_gp_practice_with_permission_manages_core_teams(world):
    with pytest.raises(PermissionDenied):
        services.create_core_team(world.nurse, name="x")
    for actor in (world.nurse, world.other_gp, world.specialist):
        with pytest.raises(PermissionDenied):
            services.add_core_team_member(
                actor, world.team, organization=world.consult, role=CareTeamRole.OTHER
            )
    # A coordinator must work at the team's practice.
    with pytest.raises(ValidationError):
        services.update_core_team(
            world.gp, world.team, coordinator=world.nurse.membership.professional
        )


# --- meetings ---


def test_planning_invites_the_core_team(world):
    named = MembershipFactory(organization=world.nursing).professional
    CoreTeamMember.objects.create(
        core_team=world.team,
        organization=world.nursing,
        professional=named,
        role=CareTeamRole.DISTRICT_NURSE,
    )
    meeting = services.plan_meeting(world.coordinator, world.team, starts_at=at(7))
    names = set(meeting.attendees.values_list("name", flat=True))
    assert world.nursing.name in names  # the organisation as a whole
    assert named.full_name in names
    assert world.coordinator.membership.professional.full_name in names
    assert meeting.location == world.team.default_location
    assert Notification.objects.filter(kind="meeting.invited", recipient=named.user).exists()


def test_meeting_needs_a_place_or_link(world):
    with pytest.raises(ValidationError):
        services.plan_meeting(
            world.coordinator, world.team, starts_at=at(7), location="", online_url=""
        )
    meeting = services.plan_meeting(
        world.coordinator,
        world.team,
        starts_at=at(7),
        location="",
        online_url="https://video.example.invalid/patz",
    )
    assert meeting.online_url


def test_update_detects_concurrent_change_and_bumps_calendar_sequence(world):
    meeting = services.plan_meeting(world.coordinator, world.team, starts_at=at(7))
    changed = services.update_meeting(
        world.coordinator, meeting, expected_version=1, location="Grote zaal"
    )
    assert (changed.version, changed.sequence) == (2, 1)
    with pytest.raises(services.ConflictError):
        services.update_meeting(world.gp, meeting, expected_version=1, location="Kleine zaal")
    meeting.refresh_from_db()
    assert meeting.location == "Grote zaal"


def test_status_planned_held_cancelled(world):
    future = services.plan_meeting(world.coordinator, world.team, starts_at=at(7))
    with pytest.raises(ValidationError):
        services.mark_held(world.coordinator, future)
    with pytest.raises(ValidationError):
        services.cancel_meeting(world.coordinator, future, reason=" ")
    services.cancel_meeting(world.coordinator, future, reason="Ziekte")
    future.refresh_from_db()
    assert future.status == MeetingStatus.CANCELLED and future.sequence == 1
    past = MeetingFactory(core_team=world.team, starts_at=at(-1))
    held = services.mark_held(world.coordinator, past)
    assert held.status == MeetingStatus.HELD and held.held_at


def test_guests_and_remote_attendance(world):
    meeting = services.plan_meeting(world.coordinator, world.team, starts_at=at(7))
    specialist = world.specialist.membership.professional
    guest = services.add_attendee(
        world.coordinator, meeting, professional=specialist, mode=AttendanceMode.REMOTE
    )
    assert guest.organization == world.consult  # taken from the membership
    assert not guest.is_core_team_member and guest.mode == AttendanceMode.REMOTE
    with pytest.raises(ValidationError):
        services.add_attendee(world.coordinator, meeting, professional=specialist)
    services.set_attendance(world.coordinator, guest, mode=AttendanceMode.IN_PERSON)
    guest.refresh_from_db()
    assert guest.mode == AttendanceMode.IN_PERSON
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    with pytest.raises(PermissionDenied):
        services.add_attendee(world.nurse, meeting, organization=world.consult)


# --- minutes ---


@pytest.fixture
def item(world):
    patient = PatientFactory(gp_practice=world.practice, marked=True)
    meeting = MeetingFactory(core_team=world.team, prepared=True)
    return AgendaItemFactory(meeting=meeting, patient=patient)


def test_minutes_are_append_only_versions(world, item):
    v1 = services.save_minutes(
        world.coordinator, item, data={"physical": "Pijn"}, expected_version=0
    )
    v2 = services.save_minutes(
        world.gp,
        item,
        data={"physical": "Pijn", "decisions": "Morfine starten"},
        expected_version=1,
    )
    assert (v1.version, v2.version) == (1, 2)
    v1.refresh_from_db()
    assert v1.decisions == "" and v1.physical == "Pijn"  # the first version is untouched
    assert services.current_minutes(item) == v2
    same = services.save_minutes(
        world.gp,
        item,
        data={"physical": "Pijn", "decisions": "Morfine starten"},
        expected_version=2,
    )
    assert same == v2 and MinutesVersion.objects.count() == 2  # nothing changed: no version
    events = AuditEvent.objects.filter(
        event_type="meeting.minutes_saved", patient_id=item.patient_id
    )
    assert events.count() == 2


def test_concurrent_minutes_save_is_refused(world, item):
    services.save_minutes(world.coordinator, item, data={"social": "A"}, expected_version=0)
    with pytest.raises(services.ConflictError) as exc:
        services.save_minutes(world.gp, item, data={"social": "B"}, expected_version=0)
    assert exc.value.current_version == 1
    assert exc.value.changed_by == world.coordinator.audit_name
    assert services.current_minutes(item).social == "A"


def test_minutes_only_by_the_practice(world, item):
    ConsentFactory(patient=item.patient, scope=ConsentScope.CARE_TEAM)
    CareTeamMemberFactory(patient=item.patient, organization=world.nursing)
    with pytest.raises(PermissionDenied):
        services.save_minutes(world.nurse, item, data={"social": "x"}, expected_version=0)


# --- action items ---


def test_action_owner_must_see_the_patient(world, item):
    nurse = world.nurse.membership.professional
    due = timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(ValidationError) as exc:
        services.add_action_item(
            world.coordinator, item, description="Bezoek", due_on=due, owner=nurse
        )
    assert "owner" in exc.value.message_dict
    assert ActionItem.objects.count() == 0
    CareTeamMemberFactory(patient=item.patient, organization=world.nursing)
    with pytest.raises(ValidationError):  # care team, but no consent yet
        services.add_action_item(
            world.coordinator, item, description="Bezoek", due_on=due, owner=nurse
        )
    ConsentFactory(patient=item.patient, scope=ConsentScope.CARE_TEAM)
    action = services.add_action_item(
        world.coordinator, item, description="Bezoek", due_on=due, owner=nurse
    )
    assert action.owner_organization == world.nursing
    assert Notification.objects.filter(kind="meeting.action", recipient=nurse.user).exists()
    assert action.events.get().kind == "created"


def test_action_bad_input(world, item):
    owner = world.poh.membership.professional
    with pytest.raises(ValidationError):
        services.add_action_item(
            world.coordinator, item, description=" ", due_on=timezone.localdate(), owner=owner
        )
    with pytest.raises(ValidationError):
        services.add_action_item(
            world.coordinator,
            item,
            description="x",
            due_on=timezone.localdate() - dt.timedelta(days=30),
            owner=owner,
        )
    with pytest.raises(ValidationError):
        services.add_action_item(
            world.coordinator, item, description="x", due_on=timezone.localdate()
        )
    assert ActionItem.objects.count() == 0


def test_done_and_undone_keep_who_and_when(world, item):
    owner = world.poh.membership.professional
    action = services.add_action_item(
        world.coordinator,
        item,
        description="Familie bellen",
        due_on=timezone.localdate(),
        owner=owner,
    )
    with pytest.raises(PermissionDenied):
        services.complete_action_item(world.nurse, action)
    done = services.complete_action_item(world.poh, action, note="Gebeld")
    assert done.done_at and done.done_by_name == world.poh.audit_name
    with pytest.raises(ValidationError):
        services.complete_action_item(world.poh, done)
    reopened = services.reopen_action_item(world.coordinator, done)
    assert reopened.done_at is None
    kinds = list(reopened.events.order_by("at", "pk").values_list("kind", "by_name"))
    assert kinds == [
        ("created", world.coordinator.audit_name),
        ("done", world.poh.audit_name),
        ("reopened", world.coordinator.audit_name),
    ]
    assert (
        AuditEvent.objects.filter(
            event_type__in=["meeting.action_done", "meeting.action_reopened"],
            patient_id=item.patient_id,
        ).count()
        == 2
    )


def test_organisation_owner(world, item):
    CareTeamMemberFactory(patient=item.patient, organization=world.nursing)
    ConsentFactory(patient=item.patient, scope=ConsentScope.CARE_TEAM)
    action = services.add_action_item(
        world.coordinator,
        item,
        description="Nachtzorg regelen",
        due_on=timezone.localdate(),
        owner_organization=world.nursing,
    )
    assert action.owner is None
    assert ActionItem.objects.for_owner(world.nurse).filter(pk=action.pk).exists()
    services.complete_action_item(world.nurse, action)
