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
forbidden patients and writes the NEN 7513 read event. Lists come from here too, logged in the
same call: ``list_patients`` / ``page_of_patients`` for the patients ``actor`` may see (narrowed
and ordered by the caller), ``list_shown`` / ``page_shown`` for rows that name a patient (a
signal, a referral, an action item) — a page cannot produce its list without the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import Http404

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import report as access_report
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditOutcome, AuditPurpose

from .constants import ConsentScope, SignalStatus
from .fields import BsnField
from .models import CareTeamMember, Consent, MarkingSuggestion, Patient, Signal
from .querysets import PatientQuerySet

Row = TypeVar("Row")
RowModel = TypeVar("RowModel", bound=Model)


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


def get_patient_for_signal(actor: Actor, pk: int) -> Patient:
    """Open a patient to send their GP practice a signal: a care relationship is enough, with
    or without consent to share (:func:`has_relationship`); logged as a read for the signal
    (legal ground: treatment). 404 when missing or without a relationship."""
    patient = Patient.objects.filter(pk=pk).first()
    if patient is None or not has_relationship(actor, patient):
        raise Http404
    audit.record(
        "patient.read_for_signal",
        actor=actor,
        action=AuditAction.READ,
        patient_id=patient.pk,
        purpose=AuditPurpose.TREATMENT,
    )
    return patient


def duplicate_registration(actor: Actor, existing: Patient) -> bool:
    """Someone tried to register a BSN that is already in the register: learning that is itself
    a disclosure, so it is logged (outcome denied). Whether the actor may open the patient
    already registered (then the page links to them) is returned."""
    audit.record(
        "patient.duplicate_registration",
        actor=actor,
        action=AuditAction.READ,
        patient_id=existing.pk,
        outcome=AuditOutcome.DENIED,
    )
    return access_purpose(actor, existing) is not None


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


# The patient's access report (``audit.report``, issue 19 item 15): the audit app depends on no
# domain app, so the register tells it how to reach the patient and who may produce the report.


def practitioner_ground(actor: Actor, patient: Patient) -> str | None:
    """Whether ``actor`` may produce the patient's access report as their practitioner, to
    show the patient (NEN 7513 right of inspection): as the patient's current lead practitioner
    (under the membership of the organisation where they lead), or as a GP of the patient's
    own practice (a role that marks the palliative phase there). None otherwise. The caller
    has opened the patient through the access policy."""
    if actor.organization_id is None or actor.membership is None:
        return None
    if (
        CareTeamMember.objects.current()
        .filter(
            patient=patient,
            is_lead_practitioner=True,
            professional_id=actor.membership.professional_id,
            organization_id=actor.organization_id,
        )
        .exists()
    ):
        return access_report.AS_LEAD_PRACTITIONER
    if patient.gp_practice_id == actor.organization_id and actor.has(Permission.MARK_PALLIATIVE):
        return access_report.AS_GP_PRACTICE
    return None


def find_for_access_report(actor: Actor, bsn: str) -> Patient | None:
    """The privacy officer's lookup of a patient by BSN for the access report, logged found
    or not (issue 19 item 3: it left no row), on the ground of privacy review."""
    if not actor.has(Permission.VIEW_ACCESS_LOG):
        raise PermissionDenied
    patient = Patient.objects.filter(bsn=bsn).only("pk").first()
    audit.record(
        "acute.access_report_find",
        actor=actor,
        action=AuditAction.READ,
        patient_id=patient.pk if patient else None,
        purpose=AuditPurpose.PRIVACY_REVIEW,
        details={"by": "bsn", "found": patient is not None},
    )
    return patient


def patient_for_access_report(actor: Actor, patient_id: int) -> Patient:
    """Any patient, for the privacy officer's access report (Http404 if missing). Producing
    the report is the logged read (:func:`audit.report.record_report`)."""
    if not actor.has(Permission.VIEW_ACCESS_LOG):
        raise PermissionDenied
    patient = Patient.objects.select_related("gp_practice").filter(pk=patient_id).first()
    if patient is None:
        raise Http404
    return patient


def open_report_as_practitioner(actor: Actor, patient_id: int) -> tuple[Patient, str]:
    """The patient whose access report ``actor`` produces as their lead practitioner or GP
    (to show the patient), with how (:func:`practitioner_ground`).

    Http404 for a missing patient and, alike, for one the actor may not see or may not produce
    the report for; that refusal is logged (outcome denied). The report itself is logged by
    the caller (:func:`audit.report.record_report`), so a granted opening writes one row."""
    patient = Patient.objects.select_related("gp_practice").filter(pk=patient_id).first()
    if patient is None:
        raise Http404
    ground = practitioner_ground(actor, patient) if access_purpose(actor, patient) else None
    if ground is None:
        audit.record(
            "patient.access_denied",
            actor=actor,
            action=AuditAction.READ,
            patient_id=patient.pk,
            outcome=AuditOutcome.DENIED,
            details={"attempted": "acute.access_report_read"},
        )
        raise Http404
    return patient, ground


def access_report_subjects() -> access_report.Subjects:
    """What the access report needs of the register (registered in ``PatientsConfig.ready``)."""
    return access_report.Subjects(
        find_field=BsnField,
        find=find_for_access_report,
        for_privacy_officer=patient_for_access_report,
        for_practitioner=open_report_as_practitioner,
    )


def _shown_patients(
    rows: Iterable[Row], patient_of: Callable[[Row], Patient | None]
) -> list[Patient]:
    unique: dict[int, Patient] = {}
    for row in rows:
        patient = patient_of(row)
        if patient is not None:
            unique.setdefault(patient.pk, patient)
    return list(unique.values())


def list_patients(
    actor: Actor,
    event: str,
    narrow: Callable[[PatientQuerySet], QuerySet[Patient]] | None = None,
    *,
    limit: int | None = None,
) -> list[Patient]:
    """The patients ``actor`` may see (``Patient.objects.visible_to``), narrowed and ordered by
    ``narrow``, at most ``limit`` of them, logged as a list view (``event``) in the same call."""
    patients = Patient.objects.visible_to(actor)
    listed = narrow(patients) if narrow is not None else patients
    found = list(listed[:limit] if limit is not None else listed)
    record_list_view(actor, event, found)
    return found


def page_of_patients(
    actor: Actor,
    event: str,
    narrow: Callable[[PatientQuerySet], QuerySet[Patient]] | None = None,
    *,
    page: str | int | None,
    per_page: int,
) -> Page[Patient]:
    """One page of the patients ``actor`` may see, narrowed and ordered by ``narrow``; the
    patients on it are logged as a list view (``event``) in the same call. The page's
    ``object_list`` is a list (evaluated once)."""
    patients = Patient.objects.visible_to(actor)
    listed = narrow(patients) if narrow is not None else patients
    shown = Paginator(listed, per_page).get_page(page)
    shown.object_list = list(shown.object_list)
    record_list_view(actor, event, shown.object_list)
    return shown


def list_shown(
    actor: Actor,
    event: str,
    rows: Iterable[Row],
    patient_of: Callable[[Row], Patient | None],
) -> list[Row]:
    """Rows that name a patient (``patient_of``; None: the row shows none), as a list, the
    patients they show logged as a list view (``event``) in the same call. Which rows the actor
    may have, and whether a row shows its patient, the caller's query and ``patient_of``
    decide; the log names exactly the patients shown."""
    found = list(rows)
    record_list_view(actor, event, _shown_patients(found, patient_of))
    return found


def page_shown(
    actor: Actor,
    event: str,
    rows: QuerySet[RowModel],
    patient_of: Callable[[RowModel], Patient | None],
    *,
    page: str | int | None,
    per_page: int,
) -> Page[RowModel]:
    """One page of rows that name a patient, the patients on it logged (``event``) in the same
    call (see :func:`list_shown`). The page's ``object_list`` is a list."""
    shown = Paginator(rows, per_page).get_page(page)
    shown.object_list = list(shown.object_list)
    record_list_view(actor, event, _shown_patients(shown.object_list, patient_of))
    return shown


# --- Signals: a signal is addressed to the patient's GP practice; the sender and the receiving
# practice see it (and its patient) whatever the consent, because that is its purpose.


def _signal_patient(signal: Signal) -> Patient:
    return signal.patient


def _itself(patient: Patient) -> Patient:
    return patient


@dataclass(frozen=True)
class SignalInbox:
    """One page of a practice's signals of one status, already logged, and how many are new
    and acknowledged."""

    page: Page[Signal]
    counts: dict[SignalStatus, int]


def signal_inbox(
    actor: Actor, status: SignalStatus, *, page: str | int | None, per_page: int
) -> SignalInbox:
    """The signals addressed to the actor's organisation with this status (new and
    acknowledged oldest first, handled newest first); the patients on the page are logged
    (``signals.inbox_viewed``) in the same call."""
    own = Signal.objects.filter(recipient_id=actor.organization_id or 0)
    signals = (
        own.filter(status=status)
        .select_related("patient", "sender_organization")
        .order_by("created_at" if status != SignalStatus.HANDLED else "-handled_at")
    )
    shown = page_shown(
        actor, "signals.inbox_viewed", signals, _signal_patient, page=page, per_page=per_page
    )
    counts = {
        s: own.filter(status=s).count() for s in (SignalStatus.NEW, SignalStatus.ACKNOWLEDGED)
    }
    return SignalInbox(shown, counts)


def signal_for_recipient(actor: Actor, pk: int) -> Signal:
    """A signal addressed to the actor's organisation (to acknowledge or handle it); Http404
    for any other, as for one that does not exist."""
    signal = (
        Signal.objects.select_related("patient")
        .filter(pk=pk, recipient_id=actor.organization_id or 0)
        .first()
    )
    if signal is None:
        raise Http404
    return signal


def sent_signals(actor: Actor, *, page: str | int | None, per_page: int) -> Page[Signal]:
    """The signals the actor sent, newest first; the patients on the page are logged
    (``signals.sent_viewed``) in the same call."""
    signals = (
        Signal.objects.filter(sender_id=actor.user.pk if actor.user else 0)
        .select_related("patient", "recipient")
        .order_by("-created_at")
    )
    return page_shown(
        actor, "signals.sent_viewed", signals, _signal_patient, page=page, per_page=per_page
    )


def signal_patients(actor: Actor, *, limit: int) -> list[Patient]:
    """The living patients in whose care team the actor's organisation is (a care relationship
    is enough to send a signal), by family name, logged (``signals.patients_listed``)."""
    member_of = (
        CareTeamMember.objects.current()
        .filter(organization_id=actor.organization_id or 0)
        .values("patient_id")
    )
    patients = (
        Patient.objects.alive()
        .filter(pk__in=member_of)
        .select_related("gp_practice")
        .order_by("family_name")[:limit]
    )
    return list_shown(actor, "signals.patients_listed", patients, _itself)


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
