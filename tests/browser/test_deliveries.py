"""Delivery journey in a real browser (issue 15): a business controller downloads the template,
uploads a file with errors and sees them per row, corrects it and uploads it; the programme
team accepts it. Every page passes axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.deliveries import periods
from palliare.deliveries.constants import DeliveryStatus, PeriodType
from palliare.deliveries.factories import DataSetFactory
from palliare.deliveries.models import Delivery
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filled(template: bytes, values: dict[str, object]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook["Aanlevering"]
    for row in range(9, sheet.max_row + 1):
        code = sheet.cell(row=row, column=1).value
        if code in values:
            sheet.cell(row=row, column=4).value = values[code]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_controller_delivers_with_errors_corrects_and_programme_team_accepts(
    page, browser, live_server
):
    hospital = OrganizationFactory(type=OrganizationType.HOSPITAL, name="Ziekenhuis De Proef")
    data_set = DataSetFactory(code="zh_test", name_nl="Ziekenhuis per kwartaal")
    period = periods.period_containing(timezone.localdate(), PeriodType.QUARTER).previous()
    controller = MembershipFactory(
        organization=hospital, role=role(RoleCode.BUSINESS_CONTROLLER)
    ).professional.user
    network = OrganizationFactory(type=OrganizationType.NETWORK_OFFICE)
    reviewer = MembershipFactory(
        organization=network, role=role(RoleCode.PROGRAMME_TEAM)
    ).professional.user

    log_in(page, controller)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Cijfers aanleveren"
    ).click()
    page.get_by_role("heading", name="Ziekenhuis per kwartaal").wait_for()
    assert_accessible(page)
    page.goto(f"/deliveries/deliver/{data_set.pk}/{period.label}/")
    with page.expect_download() as info:
        page.get_by_test_id("template-xlsx").click()
    template = Path(info.value.path()).read_bytes()
    assert_accessible(page)

    wrong = _filled(
        template, {"consultations": "veel", "consultations_with_plan": 30, "share_trained": 120}
    )
    page.get_by_label("Ingevuld sjabloon").set_input_files(
        files=[{"name": "aanlevering.xlsx", "mimeType": XLSX, "buffer": wrong}]
    )
    page.get_by_role("button", name="Uploaden").click()
    errors = page.get_by_test_id("upload-errors")
    errors.wait_for()
    expect(errors.get_by_text("Er is niets opgeslagen")).to_be_visible()
    row9 = errors.locator('tr[data-row="9"]')
    assert "consultations" in row9.inner_text() and "“veel” is geen getal." in row9.inner_text()
    assert "groter dan het maximum 100" in errors.locator('tr[data-row="11"]').inner_text()
    assert Delivery.objects.count() == 0
    assert_accessible(page)

    right = _filled(template, {"consultations": 30, "consultations_with_plan": 12})
    page.get_by_label("Ingevuld sjabloon").set_input_files(
        files=[{"name": "aanlevering.xlsx", "mimeType": XLSX, "buffer": right}]
    )
    page.get_by_role("button", name="Uploaden").click()
    page.get_by_text("versie 1 is opgeslagen").wait_for()
    history = page.get_by_test_id("history")
    assert "Ingediend" in history.inner_text()
    assert_accessible(page)

    other = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 1366, "height": 768}
    ).new_page()
    log_in(other, reviewer)
    other.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Aanleveringen"
    ).click()
    matrix = other.get_by_test_id("matrix")
    assert "ziekenhuis de proef" in matrix.inner_text().lower()
    assert_accessible(other)
    other.get_by_test_id("waiting").get_by_role("link", name="Ziekenhuis De Proef").click()
    assert "30" in other.get_by_test_id("values").inner_text()
    other.get_by_label("Aanlevering accepteren").check()
    other.get_by_role("button", name="Besluit opslaan").click()
    other.get_by_text("De aanlevering is geaccepteerd.").wait_for()
    assert_accessible(other)
    assert Delivery.objects.get().status == DeliveryStatus.ACCEPTED
    other.context.close()

    page.goto(f"/deliveries/deliver/{data_set.pk}/{period.label}/")
    assert "Geaccepteerd" in page.get_by_test_id("history").inner_text()


def test_coordinator_pages_are_accessible_and_publish_a_version(page):
    data_set = DataSetFactory(code="zh_acc", name_nl="Ziekenhuis toegankelijk")
    network = OrganizationFactory(type=OrganizationType.NETWORK_OFFICE)
    coordinator = MembershipFactory(
        organization=network, role=role(RoleCode.NETWORK_COORDINATOR)
    ).professional.user
    log_in(page, coordinator)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Gegevenssets"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="Ziekenhuis toegankelijk").click()
    assert_accessible(page)
    page.get_by_label("Uiterste datum: dagen na het einde van de periode").fill("30")
    page.get_by_label("Wat is er veranderd").fill("Eerder aanleveren")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Opgeslagen als versie 2.").wait_for()
    assert data_set.current_version().deadline_days == 30
    page.goto("/deliveries/elements/new/")
    assert_accessible(page)
