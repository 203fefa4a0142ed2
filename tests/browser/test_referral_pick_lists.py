"""Referral pick-lists in a browser (issue 18 item 11): from a patient's referral form the GP
opens the bed search, presses "Verwijzen" at a hospice and gets the form with the hospice and its
free beds filled in; choosing another organisation reloads its places (htmx), and the
care-team form lists only the chosen organisation's professionals."""

from __future__ import annotations

import pytest

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.capacity.factories import FacilityFactory
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import (
    MembershipFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
    ProfessionalFactory,
)
from palliare.patients.factories import PatientFactory

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_refer_from_the_bed_search_and_dependent_lists(page):
    PostcodeAreaFactory(pc4="9401")
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    gp = MembershipFactory(organization=practice, role=role(RoleCode.GP)).professional.user
    patient = PatientFactory(gp_practice=practice, marked=True, postcode="9401 AB")
    north = OrganizationFactory(name="Hospice Noord", type=OrganizationType.HOSPICE)
    south = OrganizationFactory(name="Hospice Zuid", type=OrganizationType.HOSPICE)
    house = FacilityFactory(organization=north, name="Huize Noorderlicht", free=2, beds=7)
    FacilityFactory(organization=south, name="Huize Zuiderzon", full=True)
    nursing = OrganizationFactory(name="Thuiszorg Noord", type=OrganizationType.DISTRICT_NURSING)
    MembershipFactory(
        organization=nursing,
        professional=ProfessionalFactory(given_name="Anna", family_name="Noorderwijk"),
    )
    log_in(page, gp)
    page.goto(f"/referrals/patients/{patient.pk}/new/")
    page.get_by_role("link", name="Zoek een vrij bed").click()
    page.get_by_test_id(f"refer-{house.pk}").click()
    assert page.locator("#id_facility").input_value() == str(house.pk)
    assert "2 bedden vrij" in page.get_by_test_id("facility-beds").inner_text()
    assert_accessible(page)
    page.select_option("#id_receiving_organization", str(south.pk))
    page.wait_for_function(
        "() => document.querySelector('#id_facility').textContent.includes('Zuiderzon')"
    )
    assert "Noorderlicht" not in page.locator("#id_facility").inner_text()
    assert "vol" in page.locator("#id_facility").inner_text()

    page.goto(f"/patients/{patient.pk}/care-team/add/")
    assert "Noorderwijk" not in page.get_by_test_id("professional-field").inner_text()
    page.select_option("#id_organization", str(nursing.pk))
    page.wait_for_function(
        "() => document.querySelector('#id_professional').textContent.includes('Noorderwijk')"
    )
