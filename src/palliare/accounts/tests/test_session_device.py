"""The session engine and the second-factor middleware load their rows through precompiled
queries (decision 0021): they must answer exactly as Django's and django-otp's own do."""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from conftest import login_verified
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from palliare.accounts.factories import UserFactory
from palliare.accounts.otp import VerifiedDeviceMiddleware, device_from_persistent_id
from palliare.accounts.sessions import SESSION_BY_KEY, SessionStore

pytestmark = pytest.mark.django_db


def test_the_precompiled_session_engine_and_device_middleware_are_installed():
    assert settings.SESSION_ENGINE == "palliare.accounts.sessions"
    assert "palliare.accounts.otp.VerifiedDeviceMiddleware" in settings.MIDDLEWARE
    assert "django_otp.middleware.OTPMiddleware" not in settings.MIDDLEWARE


def test_session_round_trip_through_the_precompiled_query():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    SESSION_BY_KEY._plans.clear()
    assert SessionStore(store.session_key).load() == {"answer": 42}
    assert SESSION_BY_KEY._plans  # loaded through the precompiled query
    assert async_to_sync(SessionStore(store.session_key).aload)() == {"answer": 42}


def test_unknown_and_expired_sessions_load_empty_and_get_a_new_key():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None


def test_session_load_is_one_query(django_assert_num_queries):
    store = SessionStore()
    store["answer"] = 42
    store.save()
    SessionStore(store.session_key).load()  # compiles the query
    with django_assert_num_queries(1):
        assert SessionStore(store.session_key).load() == {"answer": 42}


def test_device_from_persistent_id_answers_as_django_otp():
    device = TOTPDevice.objects.create(user=UserFactory(), name="phone", confirmed=True)
    assert device_from_persistent_id(device.persistent_id) == device
    assert Device.from_persistent_id(device.persistent_id) == device
    middleware = VerifiedDeviceMiddleware(lambda request: None)
    assert async_to_sync(middleware._adevice_from_persistent_id)(device.persistent_id) == device
    for wrong in (
        f"otp_totp.totpdevice/{device.pk + 1000}",  # no such device
        f"otp_totp.totpdevice/{2**70}",  # an id no column holds
        "otp_totp.totpdevice/abc",
        "otp_totp.nosuchmodel/1",
        "accounts.user/1",  # not a device model
        "nonsense",
        "",
    ):
        assert device_from_persistent_id(wrong) is None, wrong


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
