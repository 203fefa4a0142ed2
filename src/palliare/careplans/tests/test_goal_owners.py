"""Issue 18 item 17: the person responsible for a care-plan goal is told when a goal becomes
theirs (not again when the plan is saved without changing that), finds their open goals on the
start page and on their own list (only for patients they may see, the showing logged), and
records the goal's progress there: a new plan version with that goal's status, which nobody
else without the right to edit the plan can make."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.careplans import services
from palliare.careplans.factories import acp_content
from palliare.careplans.models import CarePlan, GoalAssignment
from palliare.notifications.models import Notification
from palliare.organizations.constants import OrganizationType
from palliare.patients.constants import CareTeamRole, ConsentScope
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(practice, gp, make_actor):
    patient = PatientFactory(gp_practice=practice, marked=True)
    ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    nurse = make_actor(RoleCode.DISTRICT_NURSE, type=OrganizationType.DISTRICT_NURSING)
    member = CareTeamMemberFactory(
        patient=patient,
        organization=nurse.organization,
        professional=nurse.membership.professional,
        role=CareTeamRole.DISTRICT_NURSE,
    )
    other = make_actor(RoleCode.DISTRICT_NURSE, type=OrganizationType.DISTRICT_NURSING)
    return {"patient": patient, "gp": gp, "nurse": nurse, "member": member, "other": other}


def _goal(member, text="Pijn onder controle", status="planned"):
    return {
        "dimension": "physical",
        "goal": text,
        "action": "Pijnscore dagelijks",
        "responsible_id": member.pk if member else "",
        "responsible_name": "Wijkverpleegkundige",
        "status": status,
    }


def _save(world, goals, based_on):
    content = acp_content()
    content["goals"] = goals
    return services.save_plan(world["gp"], world["patient"], content=content, based_on=based_on)


def test_the_owner_is_told_once_and_finds_the_goal(
    world, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _save(world, [_goal(world["member"])], 0)
    told = Notification.objects.filter(kind="careplans.goal_assigned")
    assert [n.recipient_id for n in told] == [world["nurse"].user.pk]
    assert told.get().url == reverse("careplans:my_goals")
    goal = GoalAssignment.objects.get()
    assert (goal.professional_id, goal.status) == (
        world["nurse"].membership.professional_id,
        "planned",
    )
    # Saved again with another change: the same owner is not told again.
    with django_capture_on_commit_callbacks(execute=True):
        _save(world, [_goal(world["member"]), _goal(None, "Rust")], 1)
    assert told.count() == 1

    client = client_for(world["nurse"])
    home = client.get(reverse("ui:home")).content.decode()
    assert 'data-section="careplans_my_goals"' in home
    assert "Pijn onder controle" in home
    assert AuditEvent.objects.filter(event_type="careplans.goals_viewed").exists()
    # Someone else's start page does not have it.
    other = client_for(world["other"]).get(reverse("ui:home")).content.decode()
    assert "Pijn onder controle" not in other


def test_the_owner_records_progress_as_a_new_version(world, client_for):
    _save(world, [_goal(world["member"])], 0)
    goal = GoalAssignment.objects.get()
    url = reverse("careplans:goal_status", args=[goal.pk])
    assert client_for(world["other"]).post(url, {"status": "done"}).status_code == 404
    response = client_for(world["nurse"]).post(url, {"status": "in_progress"})
    assert response.status_code == 302
    plan = CarePlan.objects.get(patient=world["patient"])
    assert plan.current_number == 2
    assert plan.current_version.content["goals"][0]["status"] == "in_progress"
    assert plan.current_version.author_id == world["nurse"].user.pk
    assert GoalAssignment.objects.get().status == "in_progress"
    client_for(world["nurse"]).post(
        reverse("careplans:goal_status", args=[GoalAssignment.objects.get().pk]),
        {"status": "done"},
    )
    assert not GoalAssignment.objects.open().exists()
    page = client_for(world["nurse"]).get(reverse("careplans:my_goals")).content.decode()
    assert "Pijn onder controle" not in page


def test_bad_status_and_stale_goal_are_refused_in_dutch(world, client_for):
    _save(world, [_goal(world["member"])], 0)
    goal = GoalAssignment.objects.get()
    client = client_for(world["nurse"])
    response = client.post(
        reverse("careplans:goal_status", args=[goal.pk]), {"status": "nonsense"}, follow=True
    )
    assert response.status_code == 200
    assert CarePlan.objects.get().current_number == 1
    _save(world, [_goal(world["member"], status="in_progress")], 1)  # the plan moved on
    stale = GoalAssignment.objects.get()
    goal.refresh_from_db() if GoalAssignment.objects.filter(pk=goal.pk).exists() else None
    response = client.post(
        reverse("careplans:goal_status", args=[stale.pk]), {"status": "done"}, follow=True
    )
    assert response.status_code == 200
    assert CarePlan.objects.get().current_version.content["goals"][0]["status"] == "done"
