"""Signals to the GP practice and their handling."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.notifications.messages import message
from palliare.notifications.services import notify

from .. import access
from ..constants import Dimension, SignalStatus, SignalSuggestion
from ..models import Patient, Signal
from ..suggestions.engine import recompute_soon
from .common import actor_name, practice_users


@transaction.atomic
def send_signal(
    actor: Actor,
    patient: Patient,
    *,
    dimension: Dimension,
    observation: str,
    suggestion: SignalSuggestion,
) -> Signal:
    """Send an observation about a patient to their GP practice. Requires a care relationship
    (not consent: the signal goes to the treating GP, who already holds the record)."""
    actor.require(Permission.SEND_SIGNAL)
    if not access.has_relationship(actor, patient):
        raise ValidationError(
            _(
                "You have no care relationship with this patient, so you cannot send a signal "
                "about them. Ask the GP practice to add you to the care team."
            )
        )
    if not observation.strip():
        raise ValidationError({"observation": _("Describe what you observed.")})
    if patient.is_deceased:
        raise ValidationError(_("This patient has died."))
    assert actor.user is not None and actor.organization is not None
    signal = Signal.objects.create(
        patient=patient,
        recipient_id=patient.gp_practice_id,
        dimension=dimension,
        observation=observation.strip(),
        suggestion=suggestion,
        sender=actor.user,
        sender_name=actor_name(actor),
        sender_organization=actor.organization,
        sender_role=actor.role_code,
    )
    audit.record(
        "signal.sent",
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        subject=signal,
        purpose=AuditPurpose.TREATMENT,
        details={"suggestion": str(suggestion)},
    )
    notify(
        practice_users(patient.gp_practice_id, Permission.HANDLE_SIGNALS),
        kind="signal.received",
        title=message(
            gettext_noop("New signal: %(suggestion)s"),
            suggestion=SignalSuggestion(signal.suggestion).label,
        ),
        url=reverse("patients:signal_inbox"),
        patient_id=patient.pk,
        email=True,
        exclude=actor.user,
    )
    recompute_soon(patient.pk)
    return signal


def _ensure_recipient(actor: Actor, signal: Signal) -> None:
    actor.require(Permission.HANDLE_SIGNALS)
    if actor.organization_id != signal.recipient_id:
        raise PermissionDenied


@transaction.atomic
def acknowledge_signal(actor: Actor, signal: Signal) -> Signal:
    """The GP practice has seen the signal."""
    _ensure_recipient(actor, signal)
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    signal.transition_to(SignalStatus.ACKNOWLEDGED, by_name=actor_name(actor))
    signal.save()
    audit.record(
        "signal.acknowledged",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=signal.patient_id,
        subject=signal,
        purpose=AuditPurpose.TREATMENT,
    )
    return signal


@transaction.atomic
def handle_signal(actor: Actor, signal: Signal, *, response: str) -> Signal:
    """The GP practice acted on the signal; the sender is told what was done."""
    _ensure_recipient(actor, signal)
    if not response.strip():
        raise ValidationError({"response": _("Tell the sender what was done.")})
    signal = Signal.objects.select_for_update().select_related("patient").get(pk=signal.pk)
    signal.transition_to(SignalStatus.HANDLED, by_name=actor_name(actor), response=response.strip())
    signal.save()
    audit.record(
        "signal.handled",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=signal.patient_id,
        subject=signal,
        purpose=AuditPurpose.TREATMENT,
    )
    notify(
        [signal.sender],
        kind="signal.handled",
        title=message(gettext_noop("Your signal was handled")),
        url=reverse("patients:signals_sent"),
        patient_id=signal.patient_id,
    )
    return signal
