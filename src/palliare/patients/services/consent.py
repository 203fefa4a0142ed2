"""Recording and withdrawing consent. Withdrawal takes effect immediately."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose

from ..constants import ConsentGivenBy, ConsentScope
from ..models import Consent, Patient
from .common import actor_name, ensure_can_view, not_in_future


def has_active_consent(patient: Patient, scope: ConsentScope) -> bool:
    known = getattr(patient, _annotation(scope), None)
    if known is not None:
        return bool(known)
    return Consent.objects.active().filter(patient=patient, scope=scope).exists()


def _annotation(scope: ConsentScope) -> str:
    return f"has_active_consent_{scope.value}"


def with_active_consent(
    patients: QuerySet[Patient], scope: ConsentScope, *, on: dt.date | None = None
) -> QuerySet[Patient]:
    """``patients`` annotated with whether each has active consent for ``scope`` (today, or
    ``on``), so :func:`has_active_consent` answers from the row it already has (one query, not
    two)."""
    active = Consent.objects.active(on).filter(patient=OuterRef("pk"), scope=scope)
    return patients.annotate(**{_annotation(scope): Exists(active)})


@transaction.atomic
def record_consent(
    actor: Actor,
    patient: Patient,
    *,
    scope: ConsentScope,
    given_on: dt.date,
    given_by: ConsentGivenBy,
    representative_name: str = "",
    note: str = "",
) -> Consent:
    """Record that the patient (or their legal representative) explicitly agreed to ``scope``."""
    actor.require(Permission.MANAGE_CONSENT)
    ensure_can_view(actor, patient)
    not_in_future(given_on, "given_on")
    if given_by == ConsentGivenBy.LEGAL_REPRESENTATIVE and not representative_name.strip():
        raise ValidationError({"representative_name": _("Enter the legal representative's name.")})
    assert actor.user is not None
    patient = Patient.objects.select_for_update().get(pk=patient.pk)  # one writer at a time
    if Consent.objects.filter(patient=patient, scope=scope, withdrawn_at__isnull=True).exists():
        raise ValidationError(
            {"scope": _("This consent is already recorded. Withdraw it first to record it again.")}
        )
    consent = Consent.objects.create(
        patient=patient,
        scope=scope,
        given_on=given_on,
        given_by=given_by,
        representative_name=representative_name.strip(),
        note=note,
        recorded_by=actor.user,
        recorded_by_name=actor_name(actor),
    )
    audit.record(
        "consent.recorded",
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        subject=consent,
        purpose=AuditPurpose.TREATMENT,
        details={"scope": str(scope), "given_by": str(given_by)},
    )
    return consent


@transaction.atomic
def withdraw_consent(
    actor: Actor, consent: Consent, *, withdrawn_on: dt.date, note: str = ""
) -> Consent:
    """Withdraw consent; from this moment the access policy no longer grants it."""
    actor.require(Permission.MANAGE_CONSENT)
    ensure_can_view(actor, consent.patient)
    not_in_future(withdrawn_on, "withdrawn_on")
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    if withdrawn_on < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": _("Withdrawal cannot be before the consent was given.")}
        )
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor.user
    consent.withdrawal_note = note
    consent.save(update_fields=["withdrawn_on", "withdrawn_at", "withdrawn_by", "withdrawal_note"])
    audit.record(
        "consent.withdrawn",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=consent.patient_id,
        subject=consent,
        purpose=AuditPurpose.TREATMENT,
        details={"scope": consent.scope},
    )
    return consent
