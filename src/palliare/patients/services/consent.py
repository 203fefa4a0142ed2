"""Recording and withdrawing consent. Withdrawal takes effect immediately."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

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


def open_scopes(patient: Patient) -> set[str]:
    """The purposes with consent recorded and not withdrawn (given today or later-dated)."""
    return set(
        Consent.objects.filter(patient=patient, withdrawn_at__isnull=True).values_list(
            "scope", flat=True
        )
    )


@transaction.atomic
def record_consents(
    actor: Actor,
    patient: Patient,
    *,
    scopes: Collection[ConsentScope],
    given_on: dt.date,
    given_by: ConsentGivenBy,
    representative_name: str = "",
    note: str = "",
) -> list[Consent]:
    """Record that the patient (or their legal representative) explicitly agreed to each of
    ``scopes``: one new consent row per purpose, all or none. Consent already open for a
    purpose is never changed (withdraw it first); each row gets its own access-log event."""
    actor.require(Permission.MANAGE_CONSENT)
    ensure_can_view(actor, patient)
    not_in_future(given_on, "given_on")
    chosen = list(dict.fromkeys(ConsentScope(scope) for scope in scopes))
    if not chosen:
        raise ValidationError({"scopes": _("Tick at least one purpose.")})
    if given_by == ConsentGivenBy.LEGAL_REPRESENTATIVE and not representative_name.strip():
        raise ValidationError({"representative_name": _("Enter the legal representative's name.")})
    assert actor.user is not None
    patient = Patient.objects.select_for_update().get(pk=patient.pk)  # one writer at a time
    already = [scope for scope in chosen if scope in open_scopes(patient)]
    if already:
        raise ValidationError(
            {
                "scopes": _(
                    "Consent is already recorded for: %(scopes)s. Withdraw it first to record "
                    "it again."
                )
                % {"scopes": ", ".join(str(scope.label) for scope in already)}
            }
        )
    consents = []
    for scope in chosen:
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
        consents.append(consent)
    return consents


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
    """Record consent for one purpose (see :func:`record_consents`)."""
    try:
        (consent,) = record_consents(
            actor,
            patient,
            scopes=[scope],
            given_on=given_on,
            given_by=given_by,
            representative_name=representative_name,
            note=note,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "scopes" in exc.error_dict:
            raise ValidationError({"scope": exc.error_dict["scopes"]}) from exc
        raise
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
