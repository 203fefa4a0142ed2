"""The long care-plan form in a browser (issue 18 item 9), on a laptop and a phone: a sticky
section navigation jumps to each part and marks the part in view; the save button stays on
screen anywhere in the form; a failed save puts an error summary at the top that gets the focus,
lists the errors of every section in one round and links each to its field."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.careplans.models import CarePlan
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.factories import PatientFactory

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)

HOSPITAL = "32485007"


def _in_viewport(page, locator):
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_navigate_save_and_see_every_error_at_once(page, viewport, tmp_path):
    shots = Path(os.environ.get("PALLIARE_SCREENSHOTS", tmp_path))
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    gp = MembershipFactory(organization=practice, role=role(RoleCode.GP)).professional.user
    patient = PatientFactory(gp_practice=practice, marked=True)
    log_in(page, gp)
    page.goto(reverse("careplans:edit", args=[patient.pk]))
    nav = page.locator("[data-plan-nav]")
    save = page.get_by_role("button", name="Opslaan als versie 1")
    assert nav.locator("a").count() == 9
    assert _in_viewport(page, save)  # at the top of a form many screens long
    page.screenshot(path=str(shots / f"plan-form-top-{viewport[0]}.png"))

    # Jump to part 8 from the navigation: it is in view, marked current; nav and save remain.
    nav.locator('a[data-section="goals"]').click()
    page.wait_for_function(
        "() => document.querySelector('a[data-section=\"goals\"]')"
        ".getAttribute('aria-current') === 'location'"
    )
    assert page.url.endswith("#part-goals")
    assert _in_viewport(page, page.locator("#part-goals > legend"))
    assert _in_viewport(page, nav.locator('a[data-section="goals"]'))
    assert _in_viewport(page, save)
    page.screenshot(path=str(shots / f"plan-form-goals-{viewport[0]}.png"))

    # Errors in three sections at once: no decisions (4), a condition missing (a plan rule,
    # 4), a goal without a dimension (8).
    page.check(f'input[name="limit_{HOSPITAL}_decision"][value="1"]')
    page.fill('textarea[name="goals-0-goal"], input[name="goals-0-goal"]', "Pijn onder controle")
    save.click()
    page.wait_for_load_state()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    page.wait_for_function("() => document.activeElement.dataset.testid === 'error-summary'")
    assert _in_viewport(page, summary.locator("h2"))
    assert _in_viewport(page, save)
    text = summary.inner_text().lower()
    assert "kies een besluit voor reanimatie" in text
    assert "beschrijf de voorwaarden voor opname in het ziekenhuis" in text
    assert "kies een dimensie." in text
    assert not CarePlan.objects.filter(patient=patient).exists()
    assert nav.locator(".plan-nav__error").count() == 2
    page.screenshot(path=str(shots / f"plan-form-errors-{viewport[0]}.png"))
    assert_accessible(page)
    # A summary link takes the focus to its field.
    summary.get_by_role("link", name="Kies een dimensie.").click()
    page.wait_for_function("() => document.activeElement.name === 'goals-0-dimension'")
    assert _in_viewport(page, page.locator('[name="goals-0-dimension"]'))
