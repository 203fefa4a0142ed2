"""Acute journeys in a real browser at 1366×768: the out-of-hours GP finds a patient by BSN and
sees the resuscitation decision above the fold; without consent sees "no shared plan", uses
emergency access with a reason, and that access then appears in the privacy officer's review
queue (marked reviewed with a conclusion) and in the patient's access report."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.careplans.factories import CarePlanFactory
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import ConsentFactory

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _hap_doctor():
    post = OrganizationFactory(type=OrganizationType.OUT_OF_HOURS_GP_POST, name="HAP Testveen")
    return MembershipFactory(
        organization=post, role=role(RoleCode.OUT_OF_HOURS_GP)
    ).professional.user


def _find_by_bsn(page, bsn):
    page.goto("/acute/")
    page.get_by_label("BSN").fill(bsn)
    page.get_by_role("button", name="Patiënt zoeken").click()


def test_hap_doctor_finds_patient_and_sees_resuscitation_decision(page):
    plan = CarePlanFactory()
    ConsentFactory(patient=plan.patient, scope=ConsentScope.ACUTE_CARE)
    log_in(page, _hap_doctor())
    expect(page.get_by_role("heading", name="Zorgplan van een patiënt zoeken")).to_be_visible()
    _find_by_bsn(page, plan.patient.bsn)
    limits = page.get_by_test_id("acute-limits")
    row = limits.locator("tr", has_text="Reanimatie")
    assert "nee, niet doen" in row.inner_text().lower()
    # Above the fold on a 1366×768 laptop: the limits, version line and contacts are visible.
    for locator in (row, page.get_by_test_id("acute-version"), page.get_by_text("Wie belt u")):
        box = locator.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 768, locator
    assert "Versie 1 van" in page.get_by_test_id("acute-version").inner_text()
    assert_accessible(page)
    page.set_viewport_size({"width": 820, "height": 1180})  # tablet, portrait
    expect(row).to_be_visible()
    assert_accessible(page)


def test_emergency_access_reaches_review_queue_and_access_report(page, browser, live_server):
    plan = CarePlanFactory()
    patient = plan.patient
    log_in(page, _hap_doctor())
    _find_by_bsn(page, patient.bsn)
    expect(page.get_by_test_id("no-shared-plan")).to_be_visible()
    expect(page.get_by_text("Geen gedeeld plan").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("de patiënt kan nu geen toestemming geven").check()
    page.get_by_label("Toelichting").fill("Benauwd en verward, familie niet bereikbaar.")
    page.get_by_label("Ik begrijp dat deze toegang").check()
    page.get_by_role("button", name="Openen met noodtoegang").click()
    banner = page.get_by_test_id("emergency-banner")
    assert "geldig tot" in banner.inner_text()
    assert "minuten" in banner.inner_text()
    assert "Reanimatie" in page.get_by_test_id("acute-limits").inner_text()
    assert_accessible(page)

    officer = MembershipFactory(role=role(RoleCode.PRIVACY_OFFICER)).professional.user
    other = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 1366, "height": 768}
    ).new_page()
    log_in(other, officer)
    other.goto("/acute/privacy/emergency/")
    queue = other.get_by_test_id("review-queue")
    assert "familie niet bereikbaar" in queue.inner_text()
    assert_accessible(other)
    other.get_by_role("link", name="inzageverslag", exact=True).first.click()
    report = other.get_by_test_id("access-report").inner_text()
    assert "heeft noodtoegang gebruikt" in report
    assert "Benauwd en verward, familie niet bereikbaar." in report
    assert "HAP Testveen" in report
    assert_accessible(other)
    other.goto("/acute/privacy/emergency/")
    other.get_by_role("link", name="Beoordelen", exact=True).click()
    other.get_by_label("terecht", exact=True).check()
    other.get_by_role("button", name="Markeren als beoordeeld").click()
    other.get_by_text("Gemarkeerd als beoordeeld.").wait_for()
    assert "familie niet bereikbaar" not in other.get_by_test_id("review-queue").inner_text()
    other.context.close()
