"""The acute summary gives the clinical background (issue 18 item 4), in a real browser: the
diagnosis line (group and text) and the date of marking, next to the legal representative,
first contact and anticipatory medication, while the whole treatment-limits block stays above
the fold on a 1366×768 laptop and a 390×844 phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.careplans.constants import ContactRelationship, ContactRole
from palliare.careplans.factories import CarePlanFactory, acp_content
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.constants import ConsentScope, DiagnosisGroup
from palliare.patients.factories import ConsentFactory
from palliare.patients.models import Marking, Patient

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _within_viewport(page, locator) -> None:
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (box, size)
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (box, size)


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)])
def test_summary_shows_the_diagnosis_line_and_keeps_the_limits_above_the_fold(page, viewport):
    content = acp_content()
    content["contacts"].append(
        {
            "name": "Wilma Dijkstra",
            "role": ContactRole.LEGAL_REPRESENTATIVE.value,
            "role_other": "",
            "relationship": ContactRelationship.DAUGHTER.value,
            "relationship_other": "",
            "phone": "06 87654321",
            "email": "",
            "is_first_contact": False,
        }
    )
    plan = CarePlanFactory(
        patient__given_name="Albertus",
        patient__family_name="Dijkstra",
        patient__postcode="",
        version__content=content,
    )
    patient = plan.patient
    marked_on = timezone.localdate() - dt.timedelta(days=45)
    Marking.objects.filter(patient=patient).update(
        marked_on=marked_on,
        diagnosis_group=DiagnosisGroup.ORGAN_FAILURE,
        diagnosis="hartfalen NYHA IV",
    )
    Patient.objects.filter(pk=patient.pk).update(
        marked_since=marked_on, diagnosis_group=DiagnosisGroup.ORGAN_FAILURE
    )
    ConsentFactory(patient=patient, scope=ConsentScope.ACUTE_CARE)
    post = OrganizationFactory(type=OrganizationType.OUT_OF_HOURS_GP_POST)
    doctor = MembershipFactory(organization=post, role=role(RoleCode.OUT_OF_HOURS_GP))
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    log_in(page, doctor.professional.user)
    page.goto("/acute/")
    page.get_by_label("BSN").fill(patient.bsn)
    page.get_by_role("button", name="Patiënt zoeken").click()

    diagnosis = page.get_by_test_id("acute-diagnosis")
    text = " ".join(diagnosis.inner_text().split())
    assert "orgaanfalen" in text.lower()
    assert "hartfalen NYHA IV" in text
    assert marked_on.strftime("%-d-%-m-%Y") in text
    _within_viewport(page, diagnosis)
    _within_viewport(page, page.locator("section.acute-card--limits"))
    assert "Reanimatie" in page.get_by_test_id("acute-limits").inner_text()
    # The rest of what Palliare holds is on the page (below the limits on a phone).
    body = page.locator("main").inner_text()
    for held in ("Wettelijk vertegenwoordiger", "eerste contactpersoon", "Anticiperende"):
        assert held.lower() in body.lower(), held
    assert_accessible(page)
