"""What professionals do with marking suggestions: see them, dismiss them with a reason, mark
the patient. Each is recorded as an append-only event; the access log names the patient."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose

from .. import access
from ..constants import SuggestionDismissReason, SuggestionEventKind, SuggestionStatus
from ..models import Marking, MarkingSuggestion, MarkingSuggestionEvent, Patient
from . import rules

#: Who works with suggestions: whoever may mark, and the practice staff handling signals.
WORK_WITH_SUGGESTIONS = (Permission.MARK_PALLIATIVE, Permission.HANDLE_SIGNALS)


def may_work_with_suggestions(actor: Actor) -> bool:
    return actor.has(Permission.VIEW_PATIENT) and any(actor.has(p) for p in WORK_WITH_SUGGESTIONS)


def suggestion_of(patient: Patient) -> MarkingSuggestion | None:
    try:
        return patient.marking_suggestion
    except ObjectDoesNotExist:
        return None


def reasons(suggestion: MarkingSuggestion) -> list[dict[str, str]]:
    """Why: per matching rule its label, its explanation and the evidence in words."""
    out = []
    for code in suggestion.rule_codes:
        rule = rules.get(code)
        if rule is None:
            continue
        out.append(
            {
                "code": code,
                "label": str(rule.label),
                "explanation": str(rule.explanation),
                "evidence": rules.describe(code, suggestion.evidence.get(code, {})),
            }
        )
    return out


def record_shown(actor: Actor, suggestions: list[MarkingSuggestion]) -> None:
    """The first time a suggestion is shown to someone who works with it: from then on a
    marking counts as led by it."""
    if not may_work_with_suggestions(actor):
        return
    unseen = [s for s in suggestions if s.shown_at is None]
    if not unseen:
        return
    now = timezone.now()
    access.stored_suggestions([s.patient_id for s in unseen]).filter(shown_at__isnull=True).update(
        shown_at=now
    )
    MarkingSuggestionEvent.objects.bulk_create(
        MarkingSuggestionEvent(
            suggestion=s,
            kind=SuggestionEventKind.SHOWN,
            rule_codes=s.rule_codes,
            evidence=s.evidence,
            by=actor.user,
            by_name=actor.audit_name[:200],
            created_at=now,
        )
        for s in unseen
    )
    for s in unseen:
        s.shown_at = now


@transaction.atomic
def dismiss(
    actor: Actor, patient: Patient, *, reason: str, explanation: str = ""
) -> MarkingSuggestion:
    """Dismiss the open suggestion for ``patient`` (opened through the access policy) with a
    reason. It stays dismissed until new evidence appears."""
    if not may_work_with_suggestions(actor):
        raise PermissionDenied
    errors: dict[str, list[Any]] = {}
    if reason not in SuggestionDismissReason.values:
        errors["reason"] = [_("Choose why you dismiss this suggestion.")]
    elif reason == SuggestionDismissReason.OTHER and not explanation.strip():
        errors["explanation"] = [_("Explain the other reason.")]
    if errors:
        raise ValidationError(errors)
    suggestion = suggestion_of(patient)
    if suggestion is None or suggestion.status != SuggestionStatus.OPEN:
        raise ValidationError(_("There is no open suggestion for this patient any more."))
    suggestion = access.stored_suggestions([patient.pk]).select_for_update().get()
    suggestion.dismissed_keys = list(suggestion.evidence_keys)
    _change_status(
        actor,
        patient,
        suggestion,
        SuggestionStatus.DISMISSED,
        SuggestionEventKind.DISMISSED,
        reason=reason,
        reason_text=explanation.strip(),
    )
    return suggestion


def _change_status(
    actor: Actor,
    patient: Patient,
    suggestion: MarkingSuggestion,
    status: str,
    kind: str,
    *,
    reason: str = "",
    reason_text: str = "",
) -> None:
    """Set a locked suggestion's status by hand, add the event to its history and log it
    (``marking_suggestion.<kind>``)."""
    now = timezone.now()
    suggestion.status = status
    suggestion.status_changed_at = now
    suggestion.save(update_fields=["status", "status_changed_at", "dismissed_keys"])
    MarkingSuggestionEvent.objects.create(
        suggestion=suggestion,
        kind=kind,
        rule_codes=suggestion.rule_codes,
        evidence=suggestion.evidence,
        reason=reason,
        reason_text=reason_text,
        by=actor.user,
        by_name=actor.audit_name[:200],
        created_at=now,
    )
    details = {"rules": ",".join(suggestion.rule_codes)}
    if reason:
        details["reason"] = reason
    audit.record(
        f"marking_suggestion.{kind}",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=patient.pk,
        subject=suggestion,
        purpose=access.access_purpose(actor, patient) or AuditPurpose.TREATMENT,
        details=details,
    )


def dismissal_of(patient: Patient) -> MarkingSuggestionEvent | None:
    """When the patient's suggestion is dismissed: the dismissal (who, when, reason), for the
    patient page; None when there is no dismissed suggestion. ``patient`` was opened through
    the access policy."""
    suggestion = suggestion_of(patient)
    if suggestion is None or suggestion.status != SuggestionStatus.DISMISSED:
        return None
    return (
        suggestion.events.filter(kind=SuggestionEventKind.DISMISSED)
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def reopen(actor: Actor, patient: Patient) -> MarkingSuggestion:
    """Reopen the dismissed suggestion for ``patient`` (opened through the access policy):
    someone who works with suggestions wants it back on the list. The dismissal stays in the
    suggestion's history; the reopening is a new event and is logged."""
    if not may_work_with_suggestions(actor):
        raise PermissionDenied
    suggestion = suggestion_of(patient)
    if suggestion is None or suggestion.status != SuggestionStatus.DISMISSED:
        raise ValidationError(_("There is no dismissed suggestion for this patient."))
    suggestion = access.stored_suggestions([patient.pk]).select_for_update().get()
    if suggestion.status != SuggestionStatus.DISMISSED:
        raise ValidationError(_("There is no dismissed suggestion for this patient."))
    _change_status(actor, patient, suggestion, SuggestionStatus.OPEN, SuggestionEventKind.REOPENED)
    return suggestion


def record_marking(actor: Actor, patient: Patient, marking: Marking) -> None:
    """Called when ``patient`` is marked: a suggestion shown before the marking led to it; one
    never shown lapses (the patient was marked for other reasons)."""
    suggestion = suggestion_of(patient)
    if suggestion is None or suggestion.status not in (
        SuggestionStatus.OPEN,
        SuggestionStatus.DISMISSED,
    ):
        return
    led = suggestion.shown_at is not None and suggestion.shown_at <= marking.created_at
    suggestion.status = SuggestionStatus.LED_TO_MARKING if led else SuggestionStatus.LAPSED
    suggestion.status_changed_at = marking.created_at
    suggestion.save(update_fields=["status", "status_changed_at"])
    MarkingSuggestionEvent.objects.create(
        suggestion=suggestion,
        kind=SuggestionEventKind.LED_TO_MARKING if led else SuggestionEventKind.LAPSED,
        rule_codes=suggestion.rule_codes,
        evidence=suggestion.evidence,
        by=actor.user,
        by_name=actor.audit_name[:200],
        created_at=marking.created_at,
    )


def marking_prefill(patient: Patient) -> dict[str, Any]:
    """Initial values of the marking form when marking from the patient's open suggestion: the
    indicators and diagnosis group the evidence gives, and a note saying why."""
    suggestion = suggestion_of(patient)
    if suggestion is None or suggestion.status != SuggestionStatus.OPEN:
        return {}
    initial: dict[str, Any] = {"spict_general": [], "spict_disease": []}
    for code in suggestion.rule_codes:
        rule = rules.get(code)
        if rule is None:
            continue
        for key, value in rule.prefill(suggestion.evidence.get(code, {})).items():
            if isinstance(value, list):
                initial[key] = sorted({*initial.get(key, []), *value})
            else:
                initial.setdefault(key, value)
    lines = [f"- {r['label']}: {r['evidence']}" for r in reasons(suggestion)]
    initial["note"] = "\n".join([gettext("Marked following a suggestion from data:"), *lines])
    return initial
