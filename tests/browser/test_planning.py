"""Capacity planning in a real browser on a 1366×768 screen: the network coordinator opens the
planning page from the monitoring dashboard, sees both scenarios' charts render, changes the
mean length of stay of one scenario, and the beds needed for that scenario change on the page
(and only there). The page passes axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.organizations.factories import MembershipFactory
from palliare.planning.tests import world as w

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)
SLOW = 60_000


def test_coordinator_changes_a_parameter_and_beds_needed_change(page):
    from palliare.accounts.actors import actor_for

    world = w.build()
    membership = MembershipFactory(role=role(RoleCode.NETWORK_COORDINATOR))
    actor = actor_for(membership.professional.user, membership.pk)
    basis = w.scenario(world, actor)
    other = w.scenario(world, actor, name="Vergrijzing hoog", hospice_share_percent="12")
    page.set_default_timeout(SLOW)
    log_in(page, membership.professional.user)
    page.goto("/monitoring/")
    page.get_by_role("link", name="Capaciteitsplanning").first.click()
    page.wait_for_url(lambda url: "/monitoring/planning/" in url)
    page.locator(f'[data-chart="spec-beds-{basis.pk}"][data-rendered="true"]').wait_for()
    page.locator(f'[data-chart="spec-beds-{other.pk}"][data-rendered="true"]').wait_for()
    north = f'[data-testid="beds-{basis.pk}"] tr[data-area="subregion:{world.north.pk}"]'
    other_north = f'[data-testid="beds-{other.pk}"] tr[data-area="subregion:{world.north.pk}"]'
    # 1900 deaths in 2030 × 10% × 20 days ÷ (365 × 80%) = 13,0 beds.
    assert page.locator(f'{north} [data-cell="needed-2030"]').inner_text() == "13,0"
    before_other = page.locator(f'{other_north} [data-cell="needed-2030"]').inner_text()
    assert_accessible(page)

    page.locator(f'[data-edit="{basis.pk}"]').click()
    page.get_by_label("Gemiddelde verblijfsduur", exact=True).fill("30")
    page.get_by_label("Bron van “Gemiddelde verblijfsduur”").fill("Kerncijfers hospicezorg")
    page.get_by_label("Wat is er veranderd en waarom").fill("Stuurgroep 12 maart")
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    page.get_by_text("Opgeslagen als versie 2 van Basis").wait_for()
    # 1900 × 10% × 30 ÷ 292 = 19,5 beds; the other scenario is unchanged.
    assert page.locator(f'{north} [data-cell="needed-2030"]').inner_text() == "19,5"
    assert page.locator(f'{other_north} [data-cell="needed-2030"]').inner_text() == before_other
    source = page.locator('[data-testid="parameters"] tr[data-parameter="length_of_stay_days"]')
    assert "Kerncijfers hospicezorg" in source.inner_text()

    # Bad input: an occupancy of 0% is refused with a Dutch message, nothing saved.
    page.locator(f'[data-edit="{basis.pk}"]').click()
    page.get_by_label("Streefbezetting", exact=True).fill("0")
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    page.get_by_text("Streefbezetting moet meer zijn dan 0 en hoogstens 100").wait_for()
    assert_accessible(page)
