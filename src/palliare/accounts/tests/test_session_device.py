"""The login path's lookups are stock Django's and django-otp's (decision 0021, revised): the
session engine, the session's user and the second-factor device are loaded by the libraries
themselves, not by precompiled queries over their private hooks; an expired session loads
empty, and an unconfirmed or another user's device verifies nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import login_verified
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from palliare.accounts.backends import UsernameOrEmailBackend
from palliare.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_login_path_is_stock_django_and_django_otp():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert "django_otp.middleware.OTPMiddleware" in settings.MIDDLEWARE
    assert UsernameOrEmailBackend.get_user is ModelBackend.get_user


def test_unknown_and_expired_sessions_load_empty_and_get_a_new_key():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    assert SessionStore(store.session_key).load() == {"answer": 42}
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None


def test_unconfirmed_or_foreign_device_does_not_verify_the_session(client):
    user = UserFactory(with_device=True)
    login_verified(client, user)
    assert client.get(reverse("accounts:account")).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    device.confirmed = False
    device.save(update_fields=["confirmed"])
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302 and reverse("accounts:two_factor") in response["Location"]
    # Another user's device named in this user's session verifies nothing either.
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    other = TOTPDevice.objects.create(user=UserFactory(), name="other", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = other.persistent_id
    session.save()
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302 and reverse("accounts:two_factor") in response["Location"]
