"""Marking suggestions in a real browser (decision 0041): the GP sees why a patient is
suggested, dismissing without a reason is refused with a clear message, with a reason it is
gone; the page passes the axe-core WCAG 2.1 AA check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.constants import ContactClass, ContactStatus, SuggestionStatus
from palliare.patients.factories import PatientFactory
from palliare.patients.models import CareContact, CareContactVersion, MarkingSuggestion
from palliare.patients.suggestions import engine

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _admission(patient, days_ago, cls):
    hospital = OrganizationFactory(type=OrganizationType.HOSPITAL)
    contact = CareContact.objects.create(
        patient=patient, sender_organization=hospital, sender_name="ZIS"
    )
    version = CareContactVersion.objects.create(
        contact=contact,
        number=1,
        contact_class=cls,
        status=ContactStatus.FINISHED,
        start_date=timezone.localdate() - dt.timedelta(days_ago),
        author_name="ZIS",
    )
    contact.current_number, contact.current_version = 1, version
    contact.save()


def test_gp_sees_why_and_dismisses_with_a_reason(page):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE, name="Praktijk De Es")
    gp = MembershipFactory(organization=practice, role=role(RoleCode.GP))
    patient = PatientFactory(gp_practice=practice, given_name="Fenna", family_name="Hoving")
    _admission(patient, 40, ContactClass.INPATIENT)
    _admission(patient, 12, ContactClass.EMERGENCY)
    engine.recompute()

    log_in(page, gp.professional.user)
    page.goto("/patients/suggestions/")
    card = page.get_by_test_id("suggestion")
    card.get_by_text("1 ziekenhuisopname en 1 SEH-bezoek in de afgelopen 6 maanden").wait_for()
    expect(card.get_by_role("link", name="Markeren")).to_be_visible()
    assert_accessible(page)

    card.get_by_text("Afwijzen", exact=True).click()
    card.get_by_role("button", name="Suggestie afwijzen").click()
    page.get_by_text("Kies waarom u deze suggestie afwijst.").wait_for()
    assert_accessible(page)
    page.get_by_label("Waarom wijst u deze suggestie af?").select_option("already_discussed")
    page.get_by_role("button", name="Suggestie afwijzen").click()
    page.get_by_text("Suggestie voor Fenna Hoving afgewezen.").wait_for()
    page.get_by_text("Geen open suggesties voor uw patiënten.").wait_for()
    assert MarkingSuggestion.objects.get(patient=patient).status == SuggestionStatus.DISMISSED
