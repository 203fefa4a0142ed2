"""In-context launch from the GP's information system (issue 20, SMART App Launch), in a real
browser: a small HIS shows its patient file with an "Open Palliare" link; the GP clicks it and
lands on that patient's page in Palliare without typing the patient, a password or a code
(the HIS vouches for both factors); for a patient Palliare does not know yet, on the
registration form filled in from the HIS."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.launch.demo_his import CLIENT_ID, FakeHis, nl_core_patient, practitioner
from palliare.launch.models import HisSystem
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.factories import PatientFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def his(live_server):
    fake = FakeHis(palliare_url=live_server.url).start()
    yield fake
    fake.stop()


def test_the_gp_opens_palliare_from_the_his_on_the_patients_page(page, his):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE, name="Praktijk De Linde")
    gp = MembershipFactory(organization=practice, role=role(RoleCode.GP))
    his.practitioners["p1"] = practitioner(big=gp.professional.big_number)
    HisSystem.objects.create(
        name="HIS De Linde",
        issuer=his.base,
        client_id=CLIENT_ID,
        organization=practice,
        vouches_second_factor=True,
    )
    PatientFactory(
        bsn="999911120", gp_practice=practice, given_name="Hendrik", family_name="Hartman"
    )
    his.patients["hp-1"] = nl_core_patient(
        "999911120", given="Hendrik", family="Hartman", born="1944-02-01"
    )
    his.patients["hp-2"] = nl_core_patient(
        "999912137", given="Aaltje", family="Bruggen", prefix="van der", born="1938-11-05"
    )
    launcher = his.base.removesuffix("/fhir")

    # The click starts a chain of redirects across two origins (Palliare, the HIS, Palliare):
    # wait for where it ends, not for the first navigation.
    page.goto(f"{launcher}/launcher?patient=hp-1")
    page.get_by_role("link", name="Palliare openen").click(no_wait_after=True)
    page.wait_for_url("**/patients/*/")
    assert "Hartman" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)

    page.goto(f"{launcher}/launcher?patient=hp-2")
    page.get_by_role("link", name="Palliare openen").click(no_wait_after=True)
    page.wait_for_url("**/patients/new/")
    expect(page.get_by_test_id("prefilled")).to_be_visible()
    assert page.get_by_label("BSN").input_value() == "999912137"
    assert page.get_by_label("Achternaam").input_value() == "Bruggen"
    assert_accessible(page)
