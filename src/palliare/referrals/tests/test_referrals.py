"""Referrals: a care-team professional refers a patient they may see; the receiving
organisation answers (sent → accepted/declined → admitted) and sees the care-plan summary only
with the patient's consent to share on referral; its feedback on the plan reaches the referrer
and the network coordinator; bad input and wrong parties are refused; everything is logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.careplans.factories import CarePlanFactory
from palliare.notifications.models import Notification
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import ConsentFactory, PatientFactory
from palliare.referrals import services
from palliare.referrals.constants import MissingItem, PlanQuality, ReferralStatus, ReferralUrgency

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_actor):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    hospice = OrganizationFactory(type=OrganizationType.HOSPICE)
    patient = PatientFactory(gp_practice=practice, marked=True)
    CarePlanFactory(patient=patient)
    return {
        "patient": patient,
        "hospice": hospice,
        "practice": practice,
        "gp": make_actor(RoleCode.GP, organization=practice),
        "coordinator": make_actor(RoleCode.FACILITY_COORDINATOR, organization=hospice),
        "network": make_actor(RoleCode.NETWORK_COORDINATOR),
        "other_hospice": make_actor(RoleCode.FACILITY_COORDINATOR, type=OrganizationType.HOSPICE),
    }


def _send(world, **over):
    data = {
        "receiving_organization": world["hospice"],
        "urgency": ReferralUrgency.THIS_WEEK,
        "question": "Thuis niet meer vol te houden.",
    }
    data.update(over)
    return services.send_referral(world["gp"], world["patient"], **data)


def test_full_course_with_feedback(world):
    referral = _send(world)
    assert Notification.objects.filter(
        recipient=world["coordinator"].user, kind="referral.received"
    ).exists()
    assert (
        world["patient"].full_name
        not in Notification.objects.get(recipient=world["coordinator"].user).title
    )
    services.accept_referral(world["coordinator"], referral)
    services.record_admission(world["coordinator"], referral, admitted_on=dt.date.today())
    services.record_feedback(
        world["coordinator"],
        referral,
        plan_quality=PlanQuality.INSUFFICIENT,
        missing=[MissingItem.MEDICATION],
        note="Geen palliakit.",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ADMITTED
    assert referral.response_hours is not None
    assert [e.status for e in referral.events.all()] == ["sent", "accepted", "admitted"]
    assert (
        Notification.objects.filter(recipient=world["gp"].user, kind="referral.update").count() == 3
    )
    events = set(
        AuditEvent.objects.filter(patient_id=world["patient"].pk).values_list(
            "event_type", flat=True
        )
    )
    assert {
        "referrals.sent",
        "referrals.accepted",
        "referrals.admitted",
        "referrals.feedback_given",
    } <= events


def test_states_are_guarded(world):
    referral = _send(world)
    services.decline_referral(world["coordinator"], referral, reason="Vol.")
    with pytest.raises(ValidationError):
        services.record_admission(world["coordinator"], referral, admitted_on=dt.date.today())
    with pytest.raises(ValidationError):
        services.record_feedback(
            world["coordinator"], referral, plan_quality=PlanQuality.GOOD, missing=[]
        )


def test_only_the_parties_act(world):
    referral = _send(world)
    with pytest.raises(PermissionDenied):
        services.accept_referral(world["other_hospice"], referral)
    with pytest.raises(PermissionDenied):
        services.accept_referral(world["gp"], referral)
    with pytest.raises(PermissionDenied):
        services.withdraw_referral(world["coordinator"], referral, reason="x")


@pytest.mark.parametrize(
    "over",
    [
        {"question": "  "},
        {"desired_date": dt.date(2000, 1, 1)},
        {"receiving_organization": "gp_practice"},
    ],
)
def test_bad_input_is_refused(world, over):
    if over.get("receiving_organization") == "gp_practice":
        over = {"receiving_organization": world["practice"]}
    with pytest.raises(ValidationError):
        _send(world, **over)


def test_second_open_referral_to_same_place_is_refused(world):
    _send(world)
    with pytest.raises(ValidationError):
        _send(world)


def test_cannot_refer_a_patient_one_cannot_see(world, make_actor):
    stranger = make_actor(RoleCode.GP, type=OrganizationType.GP_PRACTICE)
    with pytest.raises(PermissionDenied):
        services.send_referral(
            stranger,
            world["patient"],
            receiving_organization=world["hospice"],
            urgency=ReferralUrgency.TODAY,
            question="x",
        )


def test_plan_summary_only_with_consent(world, client_for):
    referral = _send(world)
    client = client_for(world["coordinator"])
    url = reverse("referrals:detail", args=[referral.pk])
    html = client.get(url).content.decode()
    assert 'data-testid="plan-not-shared"' in html
    assert 'data-testid="plan-summary"' not in html
    ConsentFactory(patient=world["patient"], scope=ConsentScope.REFERRAL)
    html = client.get(url).content.decode()
    assert 'data-testid="plan-summary"' in html
    reads = AuditEvent.objects.filter(
        event_type="referrals.referral_read", actor_user_id=world["coordinator"].user.pk
    )
    assert list(reads.values_list("purpose", flat=True)) == ["treatment", "consent"]


def test_other_organisations_get_404(world, client_for):
    referral = _send(world)
    response = client_for(world["other_hospice"]).get(
        reverse("referrals:detail", args=[referral.pk])
    )
    assert response.status_code == 404


def test_pages_through_the_browserless_flow(world, client_for):
    gp_client = client_for(world["gp"])
    response = gp_client.post(
        reverse("referrals:create", args=[world["patient"].pk]),
        {
            "receiving_organization": world["hospice"].pk,
            "urgency": "today",
            "question": "Graag zo snel mogelijk.",
        },
    )
    assert response.status_code == 302
    referral = world["patient"].referrals.get()
    coordinator = client_for(world["coordinator"])
    assert world["patient"].full_name in coordinator.get(reverse("ui:home")).content.decode()
    coordinator.post(reverse("referrals:accept", args=[referral.pk]), {"note": ""})
    coordinator.post(
        reverse("referrals:admit", args=[referral.pk]), {"admitted_on": dt.date.today().isoformat()}
    )
    coordinator.post(
        reverse("referrals:feedback", args=[referral.pk]),
        {"plan_quality": "adequate", "missing": ["wishes"], "note": "Wens onduidelijk"},
    )
    html = gp_client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Wens onduidelijk" in html
    overview = client_for(world["network"]).get(reverse("referrals:feedback_overview"))
    assert overview.status_code == 200
    assert world["patient"].family_name not in overview.content.decode()


def test_form_errors_not_500(world, client_for):
    response = client_for(world["gp"]).post(
        reverse("referrals:create", args=[world["patient"].pk]),
        {
            "receiving_organization": "abc",
            "urgency": "never",
            "desired_date": "9999-99-99",
            "question": "",
        },
    )
    assert response.status_code == 200
    referral = _send(world)
    response = client_for(world["coordinator"]).post(
        reverse("referrals:admit", args=[referral.pk]), {"admitted_on": "not a date"}
    )
    assert response.status_code == 302


def test_list_query_counts_do_not_grow(world, client_for, make_actor):
    client = client_for(world["coordinator"])

    def count():
        client.get(reverse("referrals:received"))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("referrals:received")).status_code == 200
        return len(ctx.captured_queries)

    _send(world)
    small = count()
    for _ in range(6):
        services.send_referral(
            world["gp"],
            PatientFactory(gp_practice=world["practice"]),
            receiving_organization=world["hospice"],
            urgency=ReferralUrgency.PLANNED,
            question="x",
        )
    assert count() == small


@pytest.mark.parametrize(("free", "lower", "expected"), [(2, True, 1), (2, False, 2), (0, True, 0)])
def test_admission_lowers_free_beds_in_the_same_step(world, free, lower, expected):
    """Issue 18 item 8: an admission left the regional bed list unchanged; now one bed fewer is
    free when the receiver says so (never below 0), in the admission's transaction."""
    from palliare.capacity.factories import FacilityFactory
    from palliare.capacity.models import Facility

    facility = FacilityFactory(organization=world["hospice"], free=free, beds=6)
    referral = _send(world, facility=facility)
    services.accept_referral(world["coordinator"], referral)
    assert services.admission_bed_status(world["coordinator"], referral) is not None
    assert services.admission_bed_status(world["gp"], referral) is None  # not their beds
    services.record_admission(
        world["coordinator"], referral, admitted_on=dt.date.today(), lower_free_beds=lower
    )
    assert Facility.objects.get(pk=facility.pk).current_status.free_beds == expected
