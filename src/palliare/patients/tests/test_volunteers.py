"""Issue 18 item 16: a request for terminal-care volunteers reaches the volunteer organisation
(VPTZ): it is notified and finds the request in its inbox (without the patient's name until it
accepts), accepts or declines it (the requester is told), and reports the deployment active and
ended. The model guards the order of the steps (requested → accepted or declined → active →
ended); only the requested organisation answers; accepting puts it in the care team."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.notifications.models import Notification
from palliare.organizations.constants import OrganizationType
from palliare.patients import services
from palliare.patients.constants import ConsentScope, VolunteerStatus
from palliare.patients.factories import ConsentFactory, PatientFactory
from palliare.patients.models import CareTeamMember, VolunteerDeployment

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(practice, gp, make_actor):
    patient = PatientFactory(gp_practice=practice, marked=True, city="Assen")
    ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    vptz = make_actor(RoleCode.VOLUNTEER_COORDINATOR, type=OrganizationType.VOLUNTEER_ORGANIZATION)
    other = make_actor(RoleCode.VOLUNTEER_COORDINATOR, type=OrganizationType.VOLUNTEER_ORGANIZATION)
    return {"patient": patient, "gp": gp, "vptz": vptz, "other": other}


def _request(world):
    return services.record_volunteer_step(
        world["gp"],
        world["patient"],
        status=VolunteerStatus.REQUESTED,
        organization=world["vptz"].organization,
        note="Nachtwake gewenst",
    )


@pytest.mark.parametrize(
    ("previous", "step", "allowed"),
    [
        (None, "requested", True),
        (None, "active", False),
        ("requested", "accepted", True),
        ("requested", "declined", True),
        ("requested", "active", False),
        ("accepted", "active", True),
        ("active", "ended", True),
        ("active", "requested", False),
        ("declined", "requested", True),
        ("ended", "active", False),
    ],
)
def test_the_model_guards_the_order_of_steps(previous, step, allowed):
    if allowed:
        VolunteerDeployment.check_step(previous, step)
    else:
        with pytest.raises(ValidationError):
            VolunteerDeployment.check_step(previous, step)


def test_request_reaches_the_organisation_which_takes_it(world, client_for):
    _request(world)
    told = Notification.objects.get(kind="volunteers.requested")
    assert told.recipient_id == world["vptz"].user.pk
    assert told.url == reverse("patients:volunteer_inbox")
    client = client_for(world["vptz"])
    home = client.get(reverse("ui:home")).content.decode()
    assert 'data-section="volunteer_requests"' in home
    inbox = client.get(reverse("patients:volunteer_inbox")).content.decode()
    assert "Nachtwake gewenst" in inbox and "Assen" in inbox
    assert world["patient"].family_name not in inbox  # not in the care team yet
    # Another volunteer organisation sees nothing and cannot answer.
    other = client_for(world["other"])
    assert "Nachtwake" not in other.get(reverse("patients:volunteer_inbox")).content.decode()
    step = VolunteerDeployment.objects.get()
    answer = reverse("patients:volunteer_answer", args=[step.pk, "accepted"])
    assert other.post(answer).status_code == 404
    assert client.post(answer).status_code == 302
    assert VolunteerDeployment.objects.order_by("-pk").first().status == "accepted"
    assert CareTeamMember.objects.filter(
        patient=world["patient"], organization=world["vptz"].organization
    ).exists()
    answered = Notification.objects.get(kind="volunteers.answered")
    assert answered.recipient_id == world["gp"].user.pk
    inbox = client.get(reverse("patients:volunteer_inbox")).content.decode()
    assert world["patient"].family_name in inbox  # now a care-team member, with consent
    latest = VolunteerDeployment.objects.order_by("-pk").first()
    client.post(reverse("patients:volunteer_answer", args=[latest.pk, "active"]))
    latest = VolunteerDeployment.objects.order_by("-pk").first()
    client.post(reverse("patients:volunteer_answer", args=[latest.pk, "ended"]))
    statuses = list(VolunteerDeployment.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["requested", "accepted", "active", "ended"]


def test_only_the_organisation_answers_and_a_request_names_one(world):
    with pytest.raises(ValidationError):
        services.record_volunteer_step(
            world["gp"], world["patient"], status=VolunteerStatus.REQUESTED
        )
    _request(world)
    with pytest.raises(PermissionDenied):
        services.record_volunteer_step(
            world["gp"], world["patient"], status=VolunteerStatus.ACCEPTED
        )
    with pytest.raises(PermissionDenied):
        services.record_volunteer_step(
            world["other"], world["patient"], status=VolunteerStatus.DECLINED
        )
    with pytest.raises(ValidationError):
        services.record_volunteer_step(
            world["vptz"], world["patient"], status=VolunteerStatus.ACTIVE
        )
    services.record_volunteer_step(world["vptz"], world["patient"], status=VolunteerStatus.DECLINED)
    assert Notification.objects.filter(kind="volunteers.answered").count() == 1
