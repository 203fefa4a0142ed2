"""Security hardening of the login (issue 19): password changes and resets are logged, the
lockout counts failures against the account however its name is typed, and the session id is
renewed once the second factor is passed."""

from __future__ import annotations

import re

import pytest
from conftest import login_verified
from django.core import mail
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from palliare.accounts.factories import TEST_PASSWORD, UserFactory
from palliare.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Een-heel-nieuw-wachtwoord-2026"


def _token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _login(client, username, password=TEST_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_password_change_is_logged(client):
    user = UserFactory(with_device=True)
    login_verified(client, user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(event_type="auth.password_changed")
    assert event.actor_user_id == user.pk
    assert event.patient_id is None
    assert event.purpose == "security"


def test_password_reset_request_and_completion_are_logged(client):
    user = UserFactory()
    client.post(reverse("accounts:password_reset"), {"email": user.email.upper()})
    requested = AuditEvent.objects.get(event_type="auth.password_reset_requested")
    assert requested.details["accounts"] == [user.pk]
    link = re.search(r"/accounts/password/reset/\S+/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(link).url  # Django swaps the token for a session marker
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    event = AuditEvent.objects.get(event_type="auth.password_reset")
    assert event.actor_user_id == user.pk
    assert event.patient_id is None
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_lockout_counts_every_spelling_of_the_account(client, settings):
    """Four wrong attempts spread over `Name`, `name` and the e-mail address lock them all."""
    settings.AXES_FAILURE_LIMIT = 4
    user = UserFactory(with_device=True, username="jansen")
    spellings = ["Jansen", "jansen", user.email, "JANSEN"]
    for typed in spellings:
        _login(client, typed, "wrong")
    for typed in [*spellings, user.email.upper()]:
        response = _login(client, typed)  # even the right password is refused now
        assert response.status_code == 429, typed


def test_lockout_of_one_account_leaves_others_alone(client, settings):
    settings.AXES_FAILURE_LIMIT = 4
    victim = UserFactory(with_device=True)
    other = UserFactory(with_device=True)
    for _ in range(4):
        _login(client, victim.username.upper(), "wrong")
    assert _login(client, other.username).status_code == 302


def test_session_id_is_renewed_at_the_second_factor(client):
    user = UserFactory(with_device=True)
    _login(client, user.username)
    before = client.session.session_key
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:two_factor"), {"token": _token(device)})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.get(reverse("ui:home")).status_code == 200


def test_pages_pdfs_and_fhir_are_not_stored_by_caches(gp, practice, client_for, client):
    from palliare.careplans.factories import CarePlanFactory
    from palliare.patients.factories import PatientFactory

    patient = PatientFactory(gp_practice=practice, marked=True)
    CarePlanFactory(patient=patient)
    logged_in = client_for(gp)
    for url in (
        reverse("ui:home"),
        reverse("patients:detail", args=[patient.pk]),
        reverse("careplans:print", args=[patient.pk]),
    ):
        response = logged_in.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    fhir = client.get("/fhir/metadata")
    assert "no-store" in fhir["Cache-Control"]
    fhir_patient = client.get(f"/fhir/Patient/{patient.pk}")  # refused, still not cached
    assert "no-store" in fhir_patient["Cache-Control"]


def test_public_pages_keep_their_caching(client):
    response = client.get(reverse("finder:finder"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
