"""The public care finder in a browser: a postcode outside the network (1012, Amsterdam) is told
so and sent to the national finder instead of getting places 100 km away as "near"; a postcode
inside shows the network's offline map beside the numbered list; the logo leads back to the
finder, not to the professionals' login; both on a laptop and a phone screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from palliare.organizations.factories import (
    LocationFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
)

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def region(settings):
    settings.NATIONAL_CARE_FINDER_URL = "https://landelijk.example/zoeken"
    PostcodeAreaFactory(pc4="9401", latitude=52.998, longitude=6.560, place="Assen")
    PostcodeAreaFactory(pc4="9411", latitude=52.86, longitude=6.51, place="Beilen")
    hospice = OrganizationFactory(name="Hospice De Duinroos", hospice=True)
    LocationFactory(organization=hospice, postcode="9411 AA", city="Beilen", street="Brink")
    amsterdam = MunicipalityFactory(gm_code="GM0363", name="Amsterdam", subregion=None)
    PostcodeAreaFactory(
        pc4="1012", municipality=amsterdam, place="Amsterdam", latitude=52.373, longitude=4.894
    )


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_public_finder_outside_and_inside_the_network(page, region, viewport, tmp_path):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    finder = reverse("finder:finder")
    shots = Path(os.environ.get("PALLIARE_SCREENSHOTS", tmp_path))
    page.goto(finder)
    assert page.locator("a.brand").get_attribute("href") == finder
    page.get_by_label("Uw postcode").fill("1012 AB")
    page.get_by_role("button", name="Zoeken").click()
    outside = page.get_by_test_id("finder-outside")
    expect(outside).to_be_visible()
    assert "niet in ons gebied" in outside.inner_text()
    assert page.get_by_test_id("national-finder").get_attribute("href") == (
        "https://landelijk.example/zoeken"
    )
    assert page.get_by_text("Hospice De Duinroos").count() == 0
    page.screenshot(path=str(shots / f"finder-outside-{viewport[0]}.png"), full_page=True)
    assert_accessible(page)

    page.get_by_label("Uw postcode").fill("9401")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("heading", name="Hospice De Duinroos")).to_be_visible()
    figure = page.locator("#finder-map-title").locator("xpath=ancestor::figure")
    expect(figure).to_be_visible()
    assert figure.locator('g[data-marker="1"]').count() == 1
    page.screenshot(path=str(shots / f"finder-inside-{viewport[0]}.png"), full_page=True)
    assert_accessible(page)
    page.locator("a.brand").click()
    page.wait_for_url(f"**{finder}")
