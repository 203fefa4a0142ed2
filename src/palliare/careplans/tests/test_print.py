"""The printed care plan (PDF for the patient's home): every page carries the patient's name
exactly as written (apostrophes, hyphens, accents, quotes and backslashes included), "versie N
van <datum>", the plan identifier and the page number."""

from __future__ import annotations

import io

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse

from palliare.careplans.constants import GoalStatus
from palliare.careplans.factories import CarePlanFactory, acp_content
from palliare.careplans.models import CarePlanVersion
from palliare.patients.constants import Dimension
from palliare.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db


def long_content(goal_text: str = "Pijn onder controle houden") -> dict[str, object]:
    """A plan with enough goals to fill several printed pages."""
    goals = [
        {
            "dimension": Dimension.PHYSICAL.value,
            "goal": f"{goal_text} ({i})",
            "action": "Elke ochtend de pijnscore noteren; boven 5 de huisarts bellen",
            "responsible_id": "",
            "responsible_name": "Wijkverpleging",
            "status": GoalStatus.PLANNED.value,
        }
        for i in range(60)
    ]
    return acp_content(goals=goals)


def pdf_pages(response) -> list[str]:
    """The text of each page, with runs of whitespace (line breaks) made single spaces."""
    from pypdf import PdfReader

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def version_line(version: CarePlanVersion) -> str:
    return f"versie {version.number} van {date_filter(version.created_at, 'j-n-Y')}"


@pytest.mark.parametrize(
    ("given_name", "prefix", "family_name", "printed"),
    [
        ("Anna", "'t", "Hart-de Vriés", "Anna 't Hart-de Vriés"),
        ('Jan "Sjon"', "", "Back\\slash </style>", 'Jan "Sjon" Back\\slash </style>'),
    ],
)
def test_name_and_version_are_on_every_page(
    gp, practice, client_for, given_name, prefix, family_name, printed
):
    patient = PatientFactory(
        gp_practice=practice,
        marked=True,
        given_name=given_name,
        family_name_prefix=prefix,
        family_name=family_name,
    )
    plan = CarePlanFactory(patient=patient, version__content=long_content())
    response = client_for(gp).get(reverse("careplans:print", args=[patient.pk]))
    pages = pdf_pages(response)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Zorgplan — {printed}" in text, f"page {number}: {text[:300]}"
        assert version_line(plan.current_version) in text, f"page {number}"


def test_plan_identifier_and_page_number_are_on_every_page(gp, practice, client_for):
    plan = CarePlanFactory(
        patient=PatientFactory(gp_practice=practice, marked=True), version__content=long_content()
    )
    pages = pdf_pages(client_for(gp).get(reverse("careplans:print", args=[plan.patient_id])))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Plannummer: {plan.identifier}" in text
        assert f"pagina {number} van {len(pages)}" in text
