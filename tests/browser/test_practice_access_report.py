"""The GP is told of emergency access to their patient and shows the patient who looked (issue 18
item 3), in a real browser: the out-of-hours GP breaks the glass; the next working day the
patient's GP finds a notification, opens from it the patient's access report (with the
emergency access, its organisation and reason), downloads it as PDF, and the report then lists
its own production. The patient page offers the report too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.acute import services as acute_services
from palliare.acute.constants import EmergencyReason
from palliare.acute.models import EmergencyAccess
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.factories import PatientFactory

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_gp_is_told_of_emergency_access_and_produces_the_access_report(page, make_actor):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE, name="Praktijk De Linde")
    gp = MembershipFactory(organization=practice, role=role(RoleCode.GP)).professional.user
    patient = PatientFactory(gp_practice=practice, given_name="Geesje", family_name="Bakker")
    post = OrganizationFactory(type=OrganizationType.OUT_OF_HOURS_GP_POST, name="HAP Zuidoost")
    hap = make_actor(RoleCode.OUT_OF_HOURS_GP, organization=post)
    grant = acute_services.start_emergency_access(
        hap,
        patient,
        reason_code=EmergencyReason.UNABLE_TO_CONSENT,
        reason="Bewusteloos aangetroffen, familie onbereikbaar.",
    )
    # A week ago: the next working day has come, and the daily sweep tells the practice.
    week_ago = timezone.now() - dt.timedelta(days=7)
    EmergencyAccess.objects.filter(pk=grant.pk).update(started_at=week_ago)
    assert acute_services.notify_due_practices() == 1

    log_in(page, gp)
    page.goto("/notifications/")
    link = page.get_by_role("link", name="Noodtoegang tot het dossier van uw patiënt door HAP")
    link.click()
    report = page.get_by_test_id("access-report")
    assert "heeft noodtoegang gebruikt" in report.inner_text()
    assert "HAP Zuidoost" in report.inner_text()
    assert "familie onbereikbaar" in report.inner_text()
    expect(page.get_by_test_id("report-for-patient")).to_be_visible()
    assert "Geesje Bakker" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_test_id("report-pdf").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.reload()
    assert "heeft dit inzageverslag gedownload" in page.get_by_test_id("access-report").inner_text()

    page.goto(f"/patients/{patient.pk}/")
    panel = page.get_by_test_id("access-panel")
    assert "HAP Zuidoost" in panel.inner_text()
    panel.get_by_role("link").click()
    expect(page.get_by_test_id("access-report")).to_be_visible()
