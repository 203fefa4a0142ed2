"""Member organisations: only the programme team registers them, a second registration and a
covenant signed in the future are refused, the change is logged; the public list shows current
members without a login and leaves former members out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from palliare.audit.models import AuditEvent
from palliare.programme import services
from palliare.programme.factories import MemberOrganizationFactory
from palliare.programme.models import MemberOrganization

from .conftest import days

pytestmark = pytest.mark.django_db


def test_add_member_is_logged(world):
    member = services.add_member(
        world.coordinator,
        world.nursing,
        joined_on=dt.date(2022, 1, 1),
        covenant_signed_on=dt.date(2022, 2, 1),
        contribution=Decimal("1500.00"),
    )
    assert services.is_member(world.nursing)
    assert AuditEvent.objects.filter(
        event_type="programme.member_added", subject_id=str(member.pk)
    ).exists()


def test_only_the_programme_team_adds_members(world):
    with pytest.raises(PermissionDenied):
        services.add_member(world.steering, world.nursing, joined_on=dt.date(2022, 1, 1))
    with pytest.raises(PermissionDenied):
        services.add_member(world.contact, world.nursing, joined_on=dt.date(2022, 1, 1))


def test_duplicate_and_future_covenant_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.add_member(world.coordinator, world.hospice, joined_on=dt.date(2022, 1, 1))
    assert "organization" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.add_member(
            world.coordinator,
            world.nursing,
            joined_on=dt.date(2022, 1, 1),
            covenant_signed_on=days(10),
        )
    assert "covenant_signed_on" in exc.value.error_dict
    assert not MemberOrganization.objects.filter(organization=world.nursing).exists()


def test_leaving_before_joining_refused(world):
    with pytest.raises(ValidationError):
        services.update_member(
            world.coordinator,
            world.member,
            joined_on=dt.date(2022, 1, 1),
            left_on=dt.date(2021, 1, 1),
            covenant_signed_on=None,
            contact=None,
            contribution=Decimal(0),
        )


def test_public_list_without_login(client, world):
    MemberOrganizationFactory(organization=world.nursing, left_on=dt.date(2023, 1, 1))
    response = client.get(reverse("programme_public:members"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hospice De Linde" in html
    assert "Thuiszorg Zuid" not in html  # left in 2023
    assert "Noordmidden Drenthe" in html


def test_member_pages(world, client_for):
    coordinator = client_for(world.coordinator)
    assert coordinator.get(reverse("programme:members")).status_code == 200
    response = coordinator.post(
        reverse("programme:member_add"),
        {"organization": world.nursing.pk, "joined_on": "2022-01-01", "contribution": "100"},
    )
    assert response.status_code == 302
    member = MemberOrganization.objects.get(organization=world.nursing)
    assert coordinator.get(reverse("programme:member", args=[member.pk])).status_code == 200
    bad = coordinator.post(
        reverse("programme:member_edit", args=[member.pk]),
        {"joined_on": "2022-01-01", "left_on": "2021-01-01", "contribution": "100"},
    )
    assert bad.status_code == 400
    assert "na de datum" in bad.content.decode() or "after the joining" in bad.content.decode()
    # The steering group reads, but does not add.
    steering = client_for(world.steering)
    assert steering.get(reverse("programme:members")).status_code == 200
    assert steering.get(reverse("programme:member_add")).status_code == 403


def test_amounts_do_not_break_between_euro_sign_and_number(world, client_for):
    """ "€" and "1.500,00" stay on one line: a non-breaking space joins them."""
    services.add_member(
        world.coordinator,
        world.nursing,
        joined_on=dt.date(2022, 1, 1),
        contribution=Decimal("1500.00"),
    )
    html = client_for(world.coordinator).get(reverse("programme:members")).content.decode()
    assert "€\xa01.500,00" in html
    assert "€ 1.500,00" not in html
