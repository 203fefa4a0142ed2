"""Shared test fixtures: actors in a role, logged-in clients with a verified second factor."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from palliare.accounts.actors import Actor, actor_for
from palliare.accounts.factories import role
from palliare.accounts.models import User
from palliare.accounts.permissions import RoleCode
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.organizations.models import Membership, Organization
from palliare.patients.constants import CareTeamRole, ConsentScope
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory
from palliare.patients.models import Patient

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test
# body are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def login_verified(client: Client, user: User) -> Client:
    """Log ``user`` in on ``client`` as if they passed password and second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from palliare.accounts.middleware import ACTIVITY_SESSION_KEY

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user, backend="palliare.accounts.backends.UsernameOrEmailBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    # As if the user just did something: the first request then does not write the session,
    # so query counts compare like with like.
    session[ACTIVITY_SESSION_KEY] = int(time.time())
    session.save()
    return client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Let Django empty the access-log table between transactional tests on SQLite (see
    palliare/audit/triggers.py); production databases never get this permit."""
    from django.db import connection

    from palliare.audit import triggers

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        triggers.set_purge_permit(cursor, connection.vendor, allowed=True)


@pytest.fixture
def make_actor(db: Any) -> Callable[..., Actor]:
    """``make_actor("gp", organization=org)`` → an Actor whose user holds that membership."""

    def factory(role_code: str, organization: Organization | None = None, **kwargs: Any) -> Actor:
        org = organization or OrganizationFactory(**kwargs)
        membership = MembershipFactory(organization=org, role=role(role_code))
        return actor_for(membership.professional.user, membership.pk)

    return factory


@pytest.fixture
def practice(db: Any) -> Organization:
    """A GP practice."""
    return OrganizationFactory(type=OrganizationType.GP_PRACTICE)


@pytest.fixture
def care_team_patient(practice: Organization) -> Patient:
    """A marked patient of ``practice`` who consents to share with the care team."""
    patient = PatientFactory(gp_practice=practice, marked=True)
    ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    return patient


@pytest.fixture
def care_team_nurse(care_team_patient: Patient) -> Membership:
    """A district nurse named in ``care_team_patient``'s care team, working at the member
    organisation (her membership there is returned)."""
    membership = MembershipFactory(
        organization=OrganizationFactory(type=OrganizationType.DISTRICT_NURSING),
        role=role(RoleCode.DISTRICT_NURSE),
        valid_from=timezone.localdate() - dt.timedelta(days=100),
    )
    CareTeamMemberFactory(
        patient=care_team_patient,
        organization=membership.organization,
        professional=membership.professional,
        role=CareTeamRole.DISTRICT_NURSE,
    )
    return membership


@pytest.fixture
def gp(make_actor: Callable[..., Actor], practice: Organization) -> Actor:
    """A GP of ``practice``."""
    return make_actor(RoleCode.GP, organization=practice)


@pytest.fixture
def client_for(db: Any) -> Callable[[Actor], Client]:
    """A Django test client logged in (password + second factor) as the actor's user."""

    def factory(actor: Actor) -> Client:
        assert actor.user is not None
        return login_verified(Client(), actor.user)

    return factory
