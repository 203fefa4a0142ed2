"""The activity plan: rows in seed 001's form, unfinished rows carried to next year once,
exports as XLSX (cells that a spreadsheet would run as a formula neutralised) and PDF."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from palliare.programme import services
from palliare.programme.models import ActivityRow

pytestmark = pytest.mark.django_db

ROW = {
    "theme": "Kwaliteit",
    "subject": "Ontslag op vrijdagmiddag",
    "goal": "Knelpunten zijn opgelost",
    "action_and_result": "Uitvraag schrijven voor een klusploeg",
    "by_whom": "Coördinator en de klusploeg",
    "network": "Alle",
    "timeline": "Voorjaar",
}


def test_carry_over_unfinished_rows_once(world):
    services.save_activity(world.coordinator, year=2025, **ROW, status="in_progress")
    services.save_activity(
        world.coordinator, year=2025, **{**ROW, "subject": "Symposium"}, status="done"
    )
    created = services.carry_over(world.coordinator, 2025)
    assert [r.subject for r in created] == ["Ontslag op vrijdagmiddag"]
    assert created[0].carried_from.year == 2025
    assert services.carry_over(world.coordinator, 2025) == []
    with pytest.raises(PermissionDenied):
        services.carry_over(world.steering, 2025)


def test_exports(world, client_for):
    services.save_activity(
        world.coordinator, year=2025, **{**ROW, "by_whom": "=cmd|' /C calc'!A0"}, status="planned"
    )
    client = client_for(world.steering)
    response = client.get(reverse("programme:activity_export", args=[2025, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Thema"
    assert sheet["B2"].value == "Ontslag op vrijdagmiddag"
    assert sheet["E2"].value.startswith("'=")
    pdf = client.get(reverse("programme:activity_export", args=[2025, "pdf"]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Ontslag op vrijdagmiddag" in text and "Activiteitenplan 2025" in text


def test_pages(world, client_for):
    coordinator = client_for(world.coordinator)
    response = coordinator.post(
        reverse("programme:activity_add", args=[2026]), {**ROW, "status": "planned"}
    )
    assert response.status_code == 302
    assert ActivityRow.objects.filter(year=2026).count() == 1
    assert (
        client_for(world.steering)
        .get(reverse("programme:activities_year", args=[2026]))
        .status_code
        == 200
    )
    assert (
        client_for(world.steering)
        .post(reverse("programme:activity_carry_over", args=[2026]))
        .status_code
        == 403
    )
