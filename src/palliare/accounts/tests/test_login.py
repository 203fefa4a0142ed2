"""Login journey: password, then a TOTP second factor (enrolled on first login), lockout,
logout and password reset; each security event is written to the access log."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from palliare.accounts.factories import TEST_PASSWORD, UserFactory
from palliare.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _password_step(client, username, password=TEST_PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def test_login_page_is_public_and_dutch(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Inloggen" in response.content.decode()


def test_wrong_password_gives_message_and_is_logged(client):
    user = UserFactory(with_device=True)
    response = _password_step(client, user.username, "wrong")
    assert response.status_code == 200
    assert "niet juist" in response.content.decode()
    event = AuditEvent.objects.get(event_type="auth.login_failed")
    assert event.actor_name == user.username


def test_first_login_enrols_second_factor(client):
    user = UserFactory()
    response = _password_step(client, user.username)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))
    response = client.get(response.url)
    assert response.url.startswith(reverse("accounts:two_factor_setup"))
    page = client.get(response.url)
    html = page.content.decode()
    assert "<svg" in html  # the QR code
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    import base64

    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key

    bad = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
    assert "niet juist" in bad.content.decode()
    ok = client.post(reverse("accounts:two_factor_setup"), {"token": _token(device)})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("ui:home")).status_code == 200
    types = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"auth.second_factor_enrolled", "auth.login"} <= types


def test_login_with_existing_device_and_email(client):
    user = UserFactory(with_device=True)
    device = TOTPDevice.objects.get(user=user)
    response = _password_step(client, user.email.upper(), next_url="/directory/")
    assert response.status_code == 302
    assert client.get(reverse("ui:home")).status_code == 302  # not verified yet
    verify = client.post(response.url, {"token": _token(device), "next": "/directory/"})
    assert verify.status_code == 302
    assert verify.url == "/directory/"


def test_wrong_second_factor_is_refused_and_logged(client):
    user = UserFactory(with_device=True)
    _password_step(client, user.username)
    response = client.post(reverse("accounts:two_factor"), {"token": "123456"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(event_type="auth.second_factor_failed").exists()
    assert client.get(reverse("ui:home")).status_code == 302


def test_malformed_token_gets_clear_message(client):
    user = UserFactory(with_device=True)
    _password_step(client, user.username)
    response = client.post(reverse("accounts:two_factor"), {"token": "abc"})
    assert "zes cijfers" in response.content.decode()


def test_setup_is_closed_once_a_device_exists(client):
    """With only a password, nobody can enrol a second device for an account."""
    user = UserFactory(with_device=True)
    _password_step(client, user.username)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_lockout_after_repeated_failures(client, settings):
    user = UserFactory(with_device=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password_step(client, user.username, "wrong")
    response = _password_step(client, user.username)  # even the right password is refused
    assert response.status_code == 429
    assert "geblokkeerd" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="auth.locked_out").exists()


def test_open_redirect_is_refused(client):
    user = UserFactory(with_device=True)
    response = _password_step(client, user.username, next_url="https://evil.example/")
    assert "evil.example" not in response.url


def test_logout_is_logged(client):
    user = UserFactory(with_device=True)
    from conftest import login_verified

    login_verified(client, user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event_type="auth.logout", actor_user_id=user.pk).exists()
    assert client.get(reverse("ui:home")).status_code == 302


def test_password_reset_sends_mail(client):
    user = UserFactory()
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_session_expires_after_inactivity(client, settings):
    """The idle timer restarts on activity (at most once a minute); an idle session ends."""
    from conftest import login_verified
    from django.contrib.sessions.models import Session

    from palliare.accounts.middleware import ACTIVITY_SESSION_KEY

    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60
    login_verified(client, UserFactory(with_device=True))
    key = client.session.session_key
    client.get(reverse("accounts:account"))
    first = Session.objects.get(session_key=key).expire_date
    client.get(reverse("accounts:account"))  # within the minute: no write
    assert Session.objects.get(session_key=key).expire_date == first
    session = client.session
    session[ACTIVITY_SESSION_KEY] = 0  # last activity long ago
    session.save()
    saved = Session.objects.get(session_key=key).expire_date
    client.get(reverse("accounts:account"))
    assert Session.objects.get(session_key=key).expire_date >= saved
    Session.objects.filter(session_key=key).update(expire_date=first.replace(year=2000))
    assert client.get(reverse("accounts:account")).status_code == 302  # expired: log in again


def test_second_factor_is_throttled(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 10
    user = UserFactory(with_device=True)
    _password_step(client, user.username)
    client.post(reverse("accounts:two_factor"), {"token": "123456"})
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:two_factor"), {"token": _token(device)})
    assert "Te veel verkeerde codes" in response.content.decode()
    assert client.get(reverse("ui:home")).status_code == 302


def test_bootstrap_coordinator(capsys):
    from django.core.management import call_command

    from palliare.accounts.actors import actor_for
    from palliare.accounts.permissions import Permission

    call_command(
        "bootstrap_coordinator",
        username="nc",
        email="nc@example.invalid",
        given_name="Noor",
        family_name="Coördinator",
        network="Netwerk Test",
    )
    out = capsys.readouterr().out
    password = out.split("One-time password: ")[1].split()[0]
    from palliare.accounts.models import User

    user = User.objects.get(username="nc")
    assert user.check_password(password)
    assert actor_for(user).has(Permission.MANAGE_DIRECTORY)


def test_deactivated_user_is_logged_out_on_the_next_request(client):
    """The session's user is loaded on every request (Django's ModelBackend.get_user) and
    must still be allowed to log in: a deactivated account's open session ends at once."""
    from conftest import login_verified

    user = UserFactory(with_device=True)
    login_verified(client, user)
    assert client.get(reverse("accounts:account")).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
