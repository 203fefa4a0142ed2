"""Capacity journeys in a real browser: a hospice coordinator sets 2 free beds from the start
page; a GP searching near a postcode then sees that hospice with its fresh timestamp (and on the
map); bad input gets a message; the public care finder works without login; every page passes
axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.capacity.factories import (
    DistrictNursingServiceFactory,
    FacilityFactory,
    QualityRequirementFactory,
)
from palliare.organizations.factories import (
    LocationFactory,
    MembershipFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
)

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _hospice(name="Hospice De Duinroos", free=0):
    PostcodeAreaFactory(pc4="9401", latitude=52.998, longitude=6.560, place="Assen")
    facility = FacilityFactory(organization__name=name, free=free, beds=6, hours_ago=30)
    coordinator = MembershipFactory(
        organization=facility.organization, role=role(RoleCode.FACILITY_COORDINATOR)
    ).professional.user
    return facility, coordinator


def test_coordinator_sets_two_free_beds_and_gp_finds_the_hospice(page, browser, live_server):
    facility, coordinator = _hospice()
    log_in(page, coordinator)
    card = page.get_by_test_id(f"quick-{facility.pk}")
    expect(card.get_by_text("Langer dan 24 uur niet bijgewerkt")).to_be_visible()
    assert_accessible(page)
    card.get_by_role("button", name="Eén vrij bed meer").click()
    page.get_by_test_id(f"quick-{facility.pk}").get_by_test_id("free-count").filter(
        has_text="1"
    ).wait_for()
    page.get_by_test_id(f"quick-{facility.pk}").get_by_role(
        "button", name="Eén vrij bed meer"
    ).click()
    card = page.get_by_test_id(f"quick-{facility.pk}")
    card.get_by_test_id("free-count").filter(has_text="2").wait_for()
    assert card.get_by_text("Langer dan 24 uur niet bijgewerkt").count() == 0
    facility.refresh_from_db()
    assert facility.current_status.free_beds == 2
    stamp = timezone.localtime(facility.current_status.recorded_at)
    assert_accessible(page)

    gp = MembershipFactory(role=role(RoleCode.GP)).professional.user
    other = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 1366, "height": 768}
    ).new_page()
    log_in(other, gp)
    other.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Bedden en zorg"
    ).click()
    other.get_by_label("Postcode").fill("9401 AB")
    other.get_by_role("button", name="Zoeken").click()
    result = other.get_by_test_id("facility-results").locator(f'[data-facility="{facility.pk}"]')
    result.wait_for()
    expect(result.get_by_text("2 bedden vrij")).to_be_visible()
    updated = result.get_by_test_id("updated-at")
    assert updated.get_attribute("datetime") == stamp.isoformat()
    assert stamp.strftime("%H:%M") in updated.inner_text()
    assert result.get_by_text("Langer dan 24 uur niet bijgewerkt").count() == 0
    assert other.locator('svg [data-marker="1"]').count() == 1
    assert_accessible(other)
    other.context.close()


def test_full_report_with_bad_input(page):
    facility, coordinator = _hospice(free=1)
    log_in(page, coordinator)
    page.goto(f"/capacity/facilities/{facility.pk}/")
    page.get_by_label("Nu vrije bedden").fill("9")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Er kunnen niet meer vrije bedden (9) zijn dan bedden (6).").wait_for()
    assert_accessible(page)
    page.get_by_label("Nu vrije bedden").fill("3")
    page.get_by_label("Mensen op de wachtlijst").fill("2")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Opgeslagen: 3 van 6 bedden vrij.").wait_for()
    assert page.get_by_test_id("free-beds").inner_text() == "3 / 6"
    assert_accessible(page)


def test_overview_and_district_nursing_pages_are_accessible(page):
    _hospice(free=2)
    FacilityFactory(stale=True, organization__name="Hospice Het Ven")
    QualityRequirementFactory(title="Scholing palliatieve zorg")
    service = DistrictNursingServiceFactory(taking_clients=True, qualified=True)
    coordinator = MembershipFactory(role=role(RoleCode.NETWORK_COORDINATOR)).professional.user
    log_in(page, coordinator)
    for url in (
        "/capacity/beds/",
        "/capacity/district-nursing/",
        f"/capacity/district-nursing/{service.pk}/",
        f"/capacity/district-nursing/{service.pk}/assess/",
        f"/capacity/district-nursing/{service.pk}/area/",
        "/capacity/requirements/",
        "/directory-exchange/",
        "/capacity/?postcode=9401&show_all=on",
    ):
        page.goto(url)
        assert_accessible(page)


def test_public_care_finder_without_login(page):
    PostcodeAreaFactory(pc4="9401", latitude=52.998, longitude=6.560, place="Assen")
    vptz = OrganizationFactory(name="VPTZ De Brink", type="volunteer_organization", is_public=True)
    LocationFactory(organization=vptz)
    page.goto("/zorgzoeker/")
    assert_accessible(page)
    page.get_by_label("Uw postcode").fill("1234")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_text("We kennen postcode 1234 niet").wait_for()
    assert_accessible(page)
    page.get_by_label("Uw postcode").fill("9401 AB")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("heading", name="VPTZ De Brink").wait_for()
    assert_accessible(page)


def test_api_documentation_is_accessible(page):
    page.goto("/api/v1/docs/")
    page.get_by_role("heading", name="Palliare-API, versie 1").wait_for()
    assert_accessible(page)
