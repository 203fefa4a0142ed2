"""Migration 0002: acute-care notifications made before the acute view required a route get
their own kind and a link the acute view accepts; the care team's stay as they were."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from palliare.notifications.models import Notification
from palliare.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "palliare.careplans.migrations.0002_acute_notifications_own_kind"
)


def test_old_acute_notifications_get_their_kind_and_route(make_actor):
    from palliare.accounts.permissions import RoleCode

    user = make_actor(RoleCode.OUT_OF_HOURS_GP).user
    patient = PatientFactory()
    acute = Notification.objects.create(
        recipient=user,
        kind="careplans.version.12",
        url=f"/acute/patients/{patient.pk}/",
        patient_id=patient.pk,
    )
    team = Notification.objects.create(
        recipient=user,
        kind="careplans.version.12",
        url=f"/patients/{patient.pk}/careplan/",
        patient_id=patient.pk,
    )
    migration.forwards(apps, None)
    acute.refresh_from_db()
    team.refresh_from_db()
    assert acute.kind == "careplans.acute_version.12"
    assert acute.url == f"/acute/patients/{patient.pk}/?via=notification"
    assert (team.kind, team.url) == ("careplans.version.12", f"/patients/{patient.pk}/careplan/")
    migration.forwards(apps, None)  # a second run changes nothing
    acute.refresh_from_db()
    assert acute.url == f"/acute/patients/{patient.pk}/?via=notification"
    migration.backwards(apps, None)
    acute.refresh_from_db()
    assert (acute.kind, acute.url) == ("careplans.version.12", f"/acute/patients/{patient.pk}/")
