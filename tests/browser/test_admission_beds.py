"""Admitting a referred patient lowers the hospice's free beds in the same step (issue 18 item 8),
in a real browser: the hospice coordinator records the admission with "one bed fewer free"
(asked, on by default, with the current numbers), and the facility page and the regional bed
numbers show one free bed less at once. Unticked, the beds stay as they were."""

from __future__ import annotations

import pytest

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.capacity.factories import FacilityFactory
from palliare.capacity.models import Facility
from palliare.careplans.factories import CarePlanFactory
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.factories import PatientFactory
from palliare.referrals import services as referral_services
from palliare.referrals.constants import ReferralUrgency

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _accepted_referral(make_actor, facility, coordinator):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    patient = PatientFactory(gp_practice=practice, marked=True)
    CarePlanFactory(patient=patient)
    gp = make_actor(RoleCode.GP, organization=practice)
    referral = referral_services.send_referral(
        gp,
        patient,
        receiving_organization=facility.organization,
        facility=facility,
        urgency=ReferralUrgency.THIS_WEEK,
        question="Thuis niet meer vol te houden.",
    )
    referral_services.accept_referral(coordinator, referral)
    return referral


@pytest.mark.parametrize("lower", [True, False])
def test_admission_lowers_the_free_beds_in_the_same_step(page, make_actor, lower):
    facility = FacilityFactory(organization__name="Hospice De Duinroos", free=3, beds=6)
    membership = MembershipFactory(
        organization=facility.organization, role=role(RoleCode.FACILITY_COORDINATOR)
    )
    coordinator = make_actor(RoleCode.FACILITY_COORDINATOR, organization=facility.organization)
    referral = _accepted_referral(make_actor, facility, coordinator)
    log_in(page, membership.professional.user)
    page.goto(f"/referrals/{referral.pk}/")
    question = page.get_by_label("Eén bed minder vrij")
    assert question.is_checked()
    assert "Nu 3 van 6 bedden vrij" in page.locator("main").inner_text()
    assert_accessible(page)
    if not lower:
        question.uncheck()
    page.get_by_role("button", name="Opname vastleggen").click()
    page.get_by_text("Opgeslagen.").wait_for()

    expected = 2 if lower else 3
    assert Facility.objects.get(pk=facility.pk).current_status.free_beds == expected
    page.goto(f"/capacity/facilities/{facility.pk}/")
    assert page.get_by_test_id("free-beds").inner_text() == f"{expected} / 6"
