"""Trial layout findings in a real browser: on a phone the coordinator's main menu sits behind
a menu button (keyboard and screen-reader state included); the login page leads visitors
without an account to the public pages; tables that scroll sideways show a shadow."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.organizations.factories import MembershipFactory

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _tab(browser, live_server, width: int, height: int):
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": width, "height": height}
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def test_phone_menu_is_behind_a_button(browser, live_server):
    coordinator = MembershipFactory(role=role(RoleCode.NETWORK_COORDINATOR)).professional.user
    tab = _tab(browser, live_server, 390, 844)
    try:
        log_in(tab, coordinator)
        toggle = tab.get_by_role("button", name="Menu")
        expect(toggle).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        nav = tab.locator("#main-nav")
        expect(nav).to_be_hidden()
        header = tab.locator(".site-header").bounding_box()
        assert header is not None and header["height"] < 844 / 4
        toggle.focus()
        tab.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(nav.get_by_role("link", name="Beheer")).to_be_visible()
        assert_accessible(tab)
        tab.keyboard.press("Tab")
        tab.keyboard.press("Escape")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(toggle).to_be_focused()
    finally:
        tab.context.close()


def test_laptop_menu_shows_without_a_button(page):
    coordinator = MembershipFactory(role=role(RoleCode.NETWORK_COORDINATOR)).professional.user
    log_in(page, coordinator)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Beheer")
    ).to_be_visible()


def test_login_page_leads_to_the_public_pages(browser, live_server):
    tab = _tab(browser, live_server, 390, 844)
    try:
        tab.goto("/")
        public = tab.get_by_role("region", name="Voor iedereen")
        for name in ("Bijeenkomsten en activiteiten", "Nieuwsbrief", "Zorgzoeker"):
            expect(public.get_by_role("link", name=name)).to_be_visible()
        assert_accessible(tab)
        public.get_by_role("link", name="Zorgzoeker").click()
        tab.wait_for_url("**/zorgzoeker/")
    finally:
        tab.context.close()
