"""Recording consent (issue 18 item 10): the purposes are checkboxes, several in one
submission, the date defaults to today; each purpose becomes its own consent row with its own
access-log event; a consent already open is never overwritten (refused with a clear message, and
no longer offered); all purposes or none are recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from palliare.audit.models import AuditEvent
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import ConsentFactory, PatientFactory
from palliare.patients.models import Consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(practice):
    return PatientFactory(gp_practice=practice, marked=True)


def _url(patient):
    return reverse("patients:consent", args=[patient.pk])


def test_the_form_offers_checkboxes_and_todays_date(gp, client_for, patient):
    html = client_for(gp).get(_url(patient)).content.decode()
    for scope in ConsentScope.values:
        assert f'type="checkbox" name="scopes" value="{scope}"' in html
    assert f'name="given_on" value="{timezone.localdate().isoformat()}"' in html


def test_several_purposes_in_one_submission(gp, client_for, patient):
    response = client_for(gp).post(
        _url(patient),
        {
            "scopes": [ConsentScope.CARE_TEAM, ConsentScope.ACUTE_CARE],
            "given_on": timezone.localdate().isoformat(),
            "given_by": "patient",
        },
    )
    assert response.status_code == 302
    rows = Consent.objects.filter(patient=patient)
    assert sorted(rows.values_list("scope", flat=True)) == ["acute_care", "care_team"]
    events = AuditEvent.objects.filter(event_type="consent.recorded", patient_id=patient.pk)
    assert events.count() == 2


def test_an_open_consent_is_not_offered_and_never_overwritten(gp, client_for, patient):
    earlier = ConsentFactory(
        patient=patient, scope=ConsentScope.ACUTE_CARE, given_on=dt.date(2025, 1, 2), note="x"
    )
    client = client_for(gp)
    html = client.get(_url(patient)).content.decode()
    assert 'value="acute_care"' not in html
    assert 'value="care_team"' in html
    # A tampered post for the open purpose too: nothing is recorded, the old row is unchanged.
    response = client.post(
        _url(patient),
        {
            "scopes": [ConsentScope.CARE_TEAM, ConsentScope.ACUTE_CARE],
            "given_on": timezone.localdate().isoformat(),
            "given_by": "patient",
        },
    )
    assert response.status_code == 200
    assert Consent.objects.filter(patient=patient).count() == 1
    earlier_again = Consent.objects.get(pk=earlier.pk)
    assert (earlier_again.given_on, earlier_again.note) == (dt.date(2025, 1, 2), "x")


def test_consent_again_after_withdrawal_is_a_new_row(gp, client_for, patient):
    ConsentFactory(
        patient=patient,
        scope=ConsentScope.REFERRAL,
        withdrawn_at=timezone.now(),
        withdrawn_on=timezone.localdate(),
    )
    client_for(gp).post(
        _url(patient),
        {
            "scopes": [ConsentScope.REFERRAL],
            "given_on": timezone.localdate().isoformat(),
            "given_by": "patient",
        },
    )
    assert Consent.objects.filter(patient=patient, scope=ConsentScope.REFERRAL).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"given_on": "2020-01-01", "given_by": "patient"}, "Vink ten minste één doel aan."),
        ({"scopes": ["care_team"], "given_on": "", "given_by": "patient"}, "Vul de datum in"),
        ({"scopes": ["nonsense"], "given_on": "2020-01-01", "given_by": "patient"}, "Selecteer"),
    ],
)
def test_bad_input_gets_a_dutch_message(gp, client_for, patient, data, message):
    response = client_for(gp).post(_url(patient), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Consent.objects.filter(patient=patient).exists()
