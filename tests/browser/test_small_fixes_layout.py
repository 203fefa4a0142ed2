"""Issue 18 item 14 in a real browser, at 1366×768 and 390×844: the values of the plan's
"Eerdere afspraken en delen" card stay inside the card; a 100-character unbroken name does not
make the page wider than the screen; the log-out button is visible in the header without
opening a menu. Screenshots go to $PALLIARE_SCREENSHOTS when set."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.careplans.constants import AcpYesNoUnknown
from palliare.careplans.factories import CarePlanFactory, acp_content
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.factories import PatientFactory

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = {"laptop": (1366, 768), "phone": (390, 844)}
LONG_NAME = "W" * 100
#: The elements that stick out to the right, for the failure message.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(-5)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _shot(tab, name: str) -> None:
    folder = os.environ.get("PALLIARE_SCREENSHOTS")
    if folder:
        tab.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=False)


@pytest.mark.parametrize("screen", SCREENS)
def test_plan_card_long_name_and_log_out(browser, live_server, screen):
    width, height = SCREENS[screen]
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    gp = MembershipFactory(organization=practice, role=role(RoleCode.GP)).professional.user
    patient = PatientFactory(gp_practice=practice, marked=True, family_name=LONG_NAME)
    content = acp_content()
    content["earlier"] = {
        "exist": AcpYesNoUnknown.YES.value,
        "note": "Wilsverklaring bij de notaris",
        "differ": AcpYesNoUnknown.NO.value,
    }
    CarePlanFactory(patient=patient, version__content=content)
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": width, "height": height}
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        log_in(tab, gp)
        logout = tab.get_by_test_id("logout")
        expect(logout).to_be_visible()
        _shot(tab, f"item14-header-{screen}")
        box = logout.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
        tab.goto(f"/careplans/patients/{patient.pk}/")
        expect(tab.get_by_test_id("logout")).to_be_visible()
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        wide = tab.evaluate(WIDEST)
        assert overflow <= 0, f"the page is {overflow}px wider than the screen: {wide}"
        card = tab.locator("section[aria-labelledby='h-earlier']")
        card.scroll_into_view_if_needed()
        outer = card.bounding_box()
        assert outer is not None
        for index in range(card.locator("dd").count()):
            value = card.locator("dd").nth(index).bounding_box()
            assert value is not None
            assert value["x"] >= outer["x"] - 1, index
            assert value["x"] + value["width"] <= outer["x"] + outer["width"] + 1, index
        _shot(tab, f"item14-plan-earlier-{screen}")
        assert_accessible(tab)
    finally:
        context.close()
