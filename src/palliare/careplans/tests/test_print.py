"""The printed care plan (PDF for the patient's home): every page carries the patient's name
exactly as written (apostrophes, hyphens, accents, quotes and backslashes included), "versie N
van <datum>", the plan identifier and the page number; a copy of an earlier version says on its
first page and on every page that it is no longer valid and which version is; the current
version carries no such notice."""

from __future__ import annotations

import io

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse

from palliare.careplans import services
from palliare.careplans.constants import GoalStatus
from palliare.careplans.factories import CarePlanFactory, acp_content
from palliare.careplans.models import CarePlanVersion
from palliare.patients.constants import Dimension
from palliare.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db

OLD_NOTICE_EVERY_PAGE = "OUDE VERSIE, GELDT NIET MEER. Nu geldt: versie 2 van {date}."
OLD_NOTICE_FIRST_PAGE = "OUDE VERSIE: NIET GEBRUIKEN"


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


@pytest.fixture
def two_versions(gp, practice):
    """A plan whose version 1 (long enough for several pages) was replaced by version 2."""
    patient = PatientFactory(gp_practice=practice, marked=True)
    services.save_plan(gp, patient, content=long_content(), based_on=0)
    current = services.save_plan(
        gp, patient, content=long_content("Rustig kunnen slapen"), based_on=1
    )
    assert current.number == 2
    return current


def test_old_version_is_marked_not_valid_on_every_page(gp, two_versions, client_for):
    url = reverse("careplans:print", args=[two_versions.plan.patient_id]) + "?version=1"
    pages = pdf_pages(client_for(gp).get(url))
    assert len(pages) >= 2
    notice = OLD_NOTICE_EVERY_PAGE.format(date=date_filter(two_versions.created_at, "j-n-Y"))
    for number, text in enumerate(pages, start=1):
        assert notice in text, f"page {number}: {text[:300]}"
        assert "versie 1 van" in text


def test_old_version_explains_the_notice_on_the_first_page(gp, two_versions, client_for):
    url = reverse("careplans:print", args=[two_versions.plan.patient_id]) + "?version=1"
    first, *rest = pdf_pages(client_for(gp).get(url))
    assert OLD_NOTICE_FIRST_PAGE in first
    assert "Op dit papier staat versie 1. Nu geldt versie 2 van" in first
    assert "Bewaar dit papier niet thuis." in first
    assert all(OLD_NOTICE_FIRST_PAGE not in text for text in rest)


@pytest.mark.parametrize("query", ["", "?version=2"])
def test_current_version_has_no_old_version_notice(gp, two_versions, client_for, query):
    url = reverse("careplans:print", args=[two_versions.plan.patient_id]) + query
    text = " ".join(pdf_pages(client_for(gp).get(url)))
    assert "versie 2 van" in text
    assert "OUDE VERSIE" not in text
    assert "GELDT NIET MEER" not in text
