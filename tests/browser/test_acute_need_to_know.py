"""Acute care on need-to-know (issue 18 item 2), in a real browser: a GP changes a plan shared
with acute care; the out-of-hours GP of that area gets no notification about it, sees on the
start page only how many shared plans the area holds (no names, no links), cannot open the
patient through a notification's address, and opens the plan through the search when treating
the patient."""

from __future__ import annotations

import pytest

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.careplans import services as careplan_services
from palliare.careplans.factories import acp_content
from palliare.notifications.models import Notification
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
    SubregionFactory,
)
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import ConsentFactory, PatientFactory

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_out_of_hours_gp_is_not_pushed_plans_and_opens_one_only_by_search(page, make_actor):
    subregion = SubregionFactory()
    PostcodeAreaFactory(pc4="9401", municipality=MunicipalityFactory(subregion=subregion))
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    post = OrganizationFactory(
        type=OrganizationType.OUT_OF_HOURS_GP_POST, name="HAP Noord", subregion=subregion
    )
    doctor = MembershipFactory(organization=post, role=role(RoleCode.OUT_OF_HOURS_GP))
    patient = PatientFactory(
        gp_practice=practice, postcode="9401 AB", given_name="Hendrika", family_name="Mulder"
    )
    ConsentFactory(patient=patient, scope=ConsentScope.ACUTE_CARE)
    gp = make_actor(RoleCode.GP, organization=practice)
    careplan_services.save_plan(gp, patient, content=acp_content(), based_on=0)
    changed = acp_content()
    changed["goal"]["note"] = "Comfort voorop"
    careplan_services.save_plan(gp, patient, content=changed, based_on=1)

    user = doctor.professional.user
    assert not Notification.objects.filter(recipient=user).exists()
    log_in(page, user)
    area = page.get_by_test_id("acute-area")
    assert "Gedeelde plannen in uw gebied" in page.locator("main").inner_text()
    assert "<5" in area.inner_text()
    assert "Mulder" not in page.locator("main").inner_text()
    assert area.locator("a").count() == 0
    assert_accessible(page)

    page.goto("/notifications/")
    assert "Mulder" not in page.locator("main").inner_text()
    assert page.locator(f'main a[href*="/acute/patients/{patient.pk}/"]').count() == 0

    # The address a notification used to carry opens nothing: the user is sent to the search.
    page.goto(f"/acute/patients/{patient.pk}/?via=notification")
    assert page.url.endswith("/acute/")
    assert "Mulder" not in page.locator("main").inner_text()

    page.get_by_label("BSN").fill(patient.bsn)
    page.get_by_role("button", name="Patiënt zoeken").click()
    assert "Reanimatie" in page.get_by_test_id("acute-limits").inner_text()
