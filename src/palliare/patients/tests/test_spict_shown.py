"""SPICT-NL indicators ticked at marking are shown afterwards (issue 18 item 7): on the patient
page, in the timeline (the marking and indicator-screening entries) and, in meetings, on the
agenda item (tested in meetings/tests/test_views.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from palliare.patients.factories import MarkingFactory, PatientFactory
from palliare.patients.models import IndicatorScreening, Patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(gp):
    patient = PatientFactory(gp_practice=gp.organization, family_name="Brink")
    marking = MarkingFactory(
        patient=patient,
        diagnosis="COPD GOLD 4",
        spict_general=["unplanned_admissions", "weight_loss"],
        spict_disease=["respiratory"],
    )
    Patient.objects.filter(pk=patient.pk).update(marked_since=marking.marked_on)
    return patient


def test_patient_page_lists_the_indicators(gp, client_for, marked):
    page = client_for(gp).get(reverse("patients:detail", args=[marked.pk])).content.decode()
    spict = page[page.index('data-testid="spict"') :]
    spict = spict[: spict.index("</dd>")]
    assert "Ongeplande ziekenhuisopname" in spict
    assert "Duidelijk gewichtsverlies" in spict
    assert "Longziekte" in spict


def test_timeline_shows_the_indicators_of_marking_and_screening(gp, client_for, marked):
    IndicatorScreening.objects.create(
        patient=marked,
        screened_on=dt.date.today(),
        spict_general=["dependent"],
        screened_by=gp.user,
        screened_by_name="Dr. Test",
    )
    page = client_for(gp).get(reverse("patients:timeline", args=[marked.pk])).content.decode()
    assert "SPICT-NL: ongeplande ziekenhuisopname" in page
    assert "COPD GOLD 4" in page
    assert page.count("SPICT-NL:") >= 2
