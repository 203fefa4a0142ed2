"""Registering a death (the data the network's KPIs are computed from)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.notifications.services import notify

from ..models import DeathRegistration, Patient
from .common import actor_name, care_team_users, ensure, ensure_can_view, not_in_future


@transaction.atomic
def register_death(actor: Actor, patient: Patient, *, data: dict[str, Any]) -> DeathRegistration:
    """Register (or correct, as a new version) the death of a patient."""
    ensure(actor, Permission.REGISTER_DEATH)
    ensure_can_view(actor, patient)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    not_in_future(data["date_of_death"], "date_of_death")
    if data["date_of_death"] < patient.date_of_birth:
        raise ValidationError(
            {"date_of_death": _("The date of death lies before the date of birth.")}
        )
    previous = patient.death_registrations.order_by("-version").first()
    assert actor.user is not None and actor.organization is not None
    registration = DeathRegistration(
        patient=patient,
        version=(previous.version + 1) if previous else 1,
        recorded_by=actor.user,
        recorded_by_name=actor_name(actor),
        organization=actor.organization,
        **data,
    )
    registration.full_clean(exclude=["patient", "recorded_by", "organization"])
    registration.save()
    patient.date_of_death = registration.date_of_death
    patient.save(update_fields=["date_of_death", "updated_at"])
    audit.record(
        "patient.death_registered" if previous is None else "patient.death_corrected",
        actor=actor,
        action=AuditAction.CREATE if previous is None else AuditAction.UPDATE,
        patient_id=patient.pk,
        subject=registration,
        purpose=AuditPurpose.TREATMENT,
    )
    if previous is None:
        notify(
            care_team_users(patient),
            kind="patient.died",
            title=gettext("A patient in your care team has died"),
            url=reverse("patients:detail", args=[patient.pk]),
            patient_id=patient.pk,
            exclude=actor.user,
        )
    return registration
