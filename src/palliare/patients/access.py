"""The access policy for patient data: the one place that decides who may see a patient.

A professional sees a patient only through a care relationship:

- **treating GP practice**: members of the patient's GP practice (with ``VIEW_PATIENT``);
- **care team**: members of an organisation in the patient's current care team, only while the
  patient's consent to share with the care team outside the GP practice is active;
- **other relationships** registered by other apps (a consultation team handling a request, a
  facility receiving a referral), each with its own consent rule (``register_relationship``).

Acute care (out-of-hours GP post, emergency department, ambulance) reads the acute summary only,
through its own consent or audited emergency access (app ``careplans``), not through this list.

``get_patient_for`` is the only way to open one patient: it answers 404 for missing *and*
forbidden patients and writes the NEN 7513 read event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditOutcome, AuditPurpose

from .constants import ConsentScope
from .models import CareTeamMember, Consent, MarkingSuggestion, Patient


@dataclass(frozen=True)
class RelationshipRule:
    """A way an organisation relates to patients, contributed by an app."""

    name: str
    #: The ids of the patients the actor's organisation relates to this way: a queryset of one
    #: column (``.values("patient_id")``) over an indexed relationship table.
    patient_ids: Callable[[Actor], QuerySet[Any]]
    #: The consent that must be active for the relationship to give access (None: none needed).
    consent: ConsentScope | None
    purpose: AuditPurpose


_RULES: dict[str, RelationshipRule] = {}


def register_relationship(rule: RelationshipRule) -> None:
    """Apps add relationships (consultation, referral) here, at import of their access.py."""
    _RULES[rule.name] = rule


def _care_team_ids(actor: Actor) -> QuerySet[Any]:
    return (
        CareTeamMember.objects.current()
        .filter(organization_id=actor.organization_id or 0)
        .order_by()
        .values("patient_id")
    )


register_relationship(
    RelationshipRule("care_team", _care_team_ids, ConsentScope.CARE_TEAM, AuditPurpose.CONSENT)
)


def _rule_ids(rule: RelationshipRule, actor: Actor) -> QuerySet[Any]:
    ids = rule.patient_ids(actor)
    if rule.consent is None:
        return ids
    return (
        Consent.objects.active()
        .filter(scope=rule.consent, patient_id__in=ids)
        .order_by()
        .values("patient_id")
    )


def visible_ids(actor: Actor) -> QuerySet[Any] | None:
    """A subquery of the ids of the patients ``actor`` may see; None when they may see none.

    Built as a UNION of small indexed lookups (the GP practice's patients, each relationship
    with its consent), so lists stay fast however large the register grows.
    """
    if not actor.has(Permission.VIEW_PATIENT) or actor.organization_id is None:
        return None
    own = Patient.objects.filter(gp_practice_id=actor.organization_id).order_by().values("pk")
    others = [_rule_ids(rule, actor) for rule in _RULES.values()]
    return own.union(*others) if others else own


def access_purpose(actor: Actor, patient: Patient) -> AuditPurpose | None:
    """Why ``actor`` may see ``patient`` (the legal ground logged), or None when they may not."""
    if not actor.has(Permission.VIEW_PATIENT) or actor.organization_id is None:
        return None
    if patient.gp_practice_id == actor.organization_id:
        return AuditPurpose.TREATMENT
    for rule in _RULES.values():
        if Patient.objects.filter(pk=patient.pk, pk__in=_rule_ids(rule, actor)).exists():
            return rule.purpose
    return None


def has_relationship(actor: Actor, patient: Patient) -> bool:
    """Whether the actor's organisation has any care relationship with the patient, with or
    without consent to share (enough to send the GP practice a signal, not to read)."""
    if actor.organization_id is None:
        return False
    if patient.gp_practice_id == actor.organization_id:
        return True
    return any(
        Patient.objects.filter(pk=patient.pk, pk__in=rule.patient_ids(actor)).exists()
        for rule in _RULES.values()
    )


def get_patient_for(
    actor: Actor,
    pk: int,
    *,
    event: str = "patient.read",
    action: AuditAction = AuditAction.READ,
    details: dict[str, str] | None = None,
) -> Patient:
    """Open one patient for ``actor`` and log it; 404 when missing or not allowed."""
    patient = Patient.objects.select_related("gp_practice").filter(pk=pk).first()
    purpose = access_purpose(actor, patient) if patient is not None else None
    if patient is None or purpose is None:
        if patient is not None:
            audit.record(
                "patient.access_denied",
                actor=actor,
                action=action,
                patient_id=patient.pk,
                outcome=AuditOutcome.DENIED,
                details={"attempted": event},
            )
        raise Http404
    audit.record(
        event,
        actor=actor,
        action=action,
        patient_id=patient.pk,
        purpose=purpose,
        details=details or {},
    )
    return patient


def record_list_view(actor: Actor, event: str, patients: list[Patient]) -> None:
    """Log that a list showed these patients: one event per legal ground, naming them all (the
    patients of the actor's own practice under treatment, the others under the ground of the
    relationship that lets the actor see them)."""
    if not patients:
        return
    by_purpose: dict[AuditPurpose, set[int]] = {}
    others = set()
    for patient in patients:
        if patient.gp_practice_id == actor.organization_id:
            by_purpose.setdefault(AuditPurpose.TREATMENT, set()).add(patient.pk)
        else:
            others.add(patient.pk)
    for rule in _RULES.values():
        if not others:
            break
        matched = set(
            Patient.objects.filter(pk__in=others)
            .filter(pk__in=_rule_ids(rule, actor))
            .values_list("pk", flat=True)
        )
        if matched:
            by_purpose.setdefault(rule.purpose, set()).update(matched)
            others -= matched
    if others:  # no treating practice, no relationship with consent: e.g. one's own signals
        by_purpose.setdefault(AuditPurpose.OWN_RECORD, set()).update(others)
    for purpose, ids in by_purpose.items():
        audit.record(event, actor=actor, action=AuditAction.READ, patient_ids=ids, purpose=purpose)


# System reads for the marking suggestions (``patients.suggestions``, decision 0041). The rules
# run as a background computation on behalf of nobody: these are the only sets they read from.
# No person sees patient data through them: the suggestion list reads through ``visible_to`` and
# logs what it shows (``record_list_view``); the figures leave the database as suppressed counts.


def suggestion_candidates(patient_ids: Iterable[int] | None = None) -> QuerySet[Patient]:
    """The patients the suggestion rules may look at: living and not marked (optionally only
    ``patient_ids``). The rules read their evidence through this set's relations."""
    patients = Patient.objects.filter(marked_since__isnull=True, date_of_death__isnull=True)
    if patient_ids is not None:
        patients = patients.filter(pk__in=list(patient_ids))
    return patients.order_by()


def stored_suggestions(patient_ids: Iterable[int] | None = None) -> QuerySet[MarkingSuggestion]:
    """The stored suggestions (optionally of ``patient_ids``), for the recomputation and for
    recording what became of them."""
    suggestions = MarkingSuggestion.objects.all()
    if patient_ids is not None:
        suggestions = suggestions.filter(patient_id__in=list(patient_ids))
    return suggestions.order_by("pk")


def suggestion_outcomes() -> QuerySet[Any]:
    """Rules, status and whether shown of every suggestion (no patient ids): the measurement."""
    return MarkingSuggestion.objects.order_by().values("rule_codes", "status", "shown_at")
