"""Foundation journeys in a real browser: first login with 2FA enrolment, role-specific
navigation, the language switch, and axe-core accessibility checks of the base pages."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from palliare.accounts.factories import TEST_PASSWORD, UserFactory, role
from palliare.accounts.permissions import RoleCode
from palliare.organizations.factories import MembershipFactory

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_first_login_enrols_authenticator(page):
    user = UserFactory()
    MembershipFactory(professional__user=user, role=role(RoleCode.GP))
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert_accessible(page)
    page.get_by_label("Gebruikersnaam of e-mailadres").fill(user.username)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url("**/two-factor/setup/**")
    expect(page.locator(".qr svg")).to_be_visible()
    assert_accessible(page)
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    token = f"{TOTP(base64.b32decode(secret)).token():06d}"
    page.get_by_label("Zescijferige code uit uw authenticator-app").fill(token)
    page.get_by_role("button", name="Bevestigen en inloggen").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    expect(page.get_by_role("heading", name="Mijn werk")).to_be_visible()
    assert_accessible(page)


def test_second_factor_page_is_accessible(page):
    user = UserFactory(with_device=True)
    page.goto("/accounts/login/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill(user.username)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url("**/two-factor/**")
    expect(page.get_by_role("heading", name="Verificatiecode")).to_be_visible()
    assert_accessible(page)


def test_roles_see_only_their_navigation(page, browser, live_server):
    gp = MembershipFactory(role=role(RoleCode.GP)).professional.user
    coordinator = MembershipFactory(role=role(RoleCode.NETWORK_COORDINATOR)).professional.user
    log_in(page, gp)
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name="Sociale kaart")).to_be_visible()
    assert nav.get_by_role("link", name="Beheer").count() == 0
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="U heeft geen toegang tot deze pagina")).to_be_visible()

    other = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 1366, "height": 768}
    ).new_page()
    log_in(other, coordinator)
    other_nav = other.get_by_role("navigation", name="Hoofdmenu")
    expect(other_nav.get_by_role("link", name="Beheer")).to_be_visible()
    other.context.close()


def test_language_switch(page):
    user = MembershipFactory(role=role(RoleCode.GP)).professional.user
    log_in(page, user)
    expect(page.get_by_role("heading", name="Mijn werk")).to_be_visible()
    page.get_by_test_id("language-en").click()
    page.get_by_role("heading", name="My work").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_test_id("language-nl").click()
    page.get_by_role("heading", name="Mijn werk").wait_for()


def test_directory_pages_are_accessible(page):
    membership = MembershipFactory(role=role(RoleCode.GP))
    log_in(page, membership.professional.user)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Sociale kaart"
    ).click()
    page.get_by_role("heading", name="Regionale sociale kaart").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=membership.organization.name).click()
    page.get_by_role("heading", name=membership.organization.name).wait_for()
    assert_accessible(page)
    page.goto("/directory/regions/")
    assert_accessible(page)
