"""The care-plan form reports every error in one round (issue 18 item 9): a plan rule checked
by content.validate (conditions for a treatment limit "yes, with conditions") is reported
together with the row forms' errors in another section, not only after those are fixed; the
error summary at the top links each message to its field, and the section navigation counts
the errors per section."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palliare.careplans.factories import acp_content
from palliare.careplans.models import CarePlan
from palliare.patients.factories import PatientFactory

from .test_views import form_data

pytestmark = pytest.mark.django_db

HOSPITAL = "32485007"


def test_errors_of_every_section_in_one_round(gp, practice, client_for):
    patient = PatientFactory(gp_practice=practice, marked=True)
    data = form_data(acp_content(), 0)
    data[f"limit_{HOSPITAL}_decision"] = "1"  # yes, with conditions …
    data[f"limit_{HOSPITAL}_specification"] = ""  # … but none described (a plan rule)
    data["goals-0-goal"] = "Pijn onder controle"
    data["goals-0-dimension"] = ""  # a row error in section 8
    response = client_for(gp).post(reverse("careplans:edit", args=[patient.pk]), data)
    assert response.status_code == 200
    assert not CarePlan.objects.filter(patient=patient).exists()
    html = response.content.decode()
    assert "Beschrijf de voorwaarden voor" in html  # before: only in a second round
    summary = html.split('data-testid="error-summary"')[1].split("</ul>")[0]
    assert "Kies een dimensie." in summary
    assert "Beschrijf de voorwaarden voor" in summary
    assert f'href="#id_limit_{HOSPITAL}_specification"' in summary
    assert 'href="#id_goals-0-dimension"' in summary
    nav = html.split("data-plan-nav")[1].split("</nav>")[0]
    assert nav.count("plan-nav__error") == 2
