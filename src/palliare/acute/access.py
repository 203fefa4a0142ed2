"""The acute path: the single way acute-care roles (out-of-hours GP post, emergency department,
ambulance, dispatch) find and open a patient.

Acute-care organisations have no care relationship with the patient, so this path does not use
``Patient.objects.visible_to`` or ``patients.access.get_patient_for``. A patient's acute summary
opens only

- with the patient's active consent to share with acute care (legal ground: consent), or
- through the actor's own, unexpired emergency access (legal ground: emergency, with the reason).

Every search and every opening is written to the access log here, with that legal ground.

The gate in front of it is here too (the views only call it): an acute user reaches a patient
only through their own search or the printed copy's QR code, which the server states in a signed
*found* token bound to the session and the membership (:func:`found_token`, :func:`route`); an
address alone, or an expired token, is refused and logged (:func:`refuse`) before anything about
the patient is read; emergency access is started only for a patient so reached
(:func:`patient_for_emergency`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditOutcome, AuditPurpose
from palliare.careplans.models import CarePlan
from palliare.careplans.services import PLAN_WITH_PATIENT
from palliare.db.precompiled import PrecompiledQuery
from palliare.patients import services as patient_services
from palliare.patients.constants import ConsentScope
from palliare.patients.models import Marking, Patient
from palliare.ui.forms import MAX_ID

from .models import EmergencyAccess

#: Signing salt and lifetime of the "found" token in the summary's URL.
FOUND_SALT = "palliare.acute.found"
FOUND_MAX_AGE_SECONDS = 12 * 3600

#: The ways an acute user reaches a patient (logged as ``via`` with every opening): both
#: identify the patient to the user (they searched for them, or hold the printed copy). A
#: notification is no route: acute care is not notified of plan changes (decision 0011).
VIA_SEARCH, VIA_QR = "search", "qr"
IDENTIFYING_ROUTES = (VIA_SEARCH, VIA_QR)

#: What the found token of a request is when it was this session's but is too old.
EXPIRED = object()


def _found_salt(actor: Actor, session_key: str | None) -> str:
    """Bound to the session and the membership the user works under: after a switch to another
    organisation the user searches again, so the search and the opening are logged alike."""
    membership = actor.membership
    return f"{FOUND_SALT}:{session_key or ''}:{membership.pk if membership else ''}"


def found_token(actor: Actor, session_key: str | None, patient_id: int, via: str) -> str:
    """A token saying this session reached the patient through its own search or the printed
    copy's QR code.

    It travels in the redirect URL instead of the session, so a search writes nothing but its
    log row. It is bound to the session key and the membership: copied into another session,
    or used after switching organisation, it means nothing."""
    return signing.dumps([patient_id, via], salt=_found_salt(actor, session_key), compress=False)


def load_found(actor: Actor, session_key: str | None, token: str) -> object:
    """A found token as signed (``[patient id, route]``), :data:`EXPIRED` when it is this
    session's but too old, None when there is none or it is not this session's."""
    if not token or not session_key:
        return None
    try:
        return signing.loads(
            token, salt=_found_salt(actor, session_key), max_age=FOUND_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired:
        return EXPIRED
    except signing.BadSignature:
        return None


def route(patient_id: int, found: object) -> str | None:
    """How this session reached the patient, or None for a typed or copied address.

    Acute roles have no care relationship: they may open a patient they searched for (by BSN,
    or name and date of birth) or whose printed plan they scanned, while treating them, but
    never walk the register by record number nor follow a notification. The route comes from
    the server (a signed token), never from a parameter the user sets. ``found`` is the
    request's token (:func:`load_found`)."""
    if (
        isinstance(found, list)
        and found[:1] == [patient_id]
        and found[1:] in ([VIA_SEARCH], [VIA_QR])
    ):
        return str(found[1])
    return None


@dataclass(frozen=True)
class Gate:
    """The gate's answer for one request to a patient's summary or emergency access: the
    route (``via``), or a refusal (``via`` None; ``expired`` when the session's search had
    expired)."""

    via: str | None
    expired: bool = False


def gate(actor: Actor, session_key: str | None, patient_id: int, token: str) -> Gate:
    """Whether this request reached the patient (:func:`route`). Http404 for an id that cannot
    exist. A refusal is not yet logged: the caller answers it through :func:`refuse`."""
    if patient_id > MAX_ID:
        raise Http404
    found = load_found(actor, session_key, token)
    via = route(patient_id, found)
    return Gate(via, expired=via is None and found is EXPIRED)


def refuse(actor: Actor, patient_id: int, *, opening: str, expired: bool) -> None:
    """Log a summary or emergency access asked for by address alone (or with this session's
    expired search): nothing about the patient is read; the privacy officer sees walks through
    the register."""
    audit.record(
        "acute.open_refused",
        actor=actor,
        action=AuditAction.READ,
        patient_id=patient_id,
        outcome=AuditOutcome.DENIED,
        details={"opening": opening} | ({"token": "expired"} if expired else {}),
    )


def patient_id_for_plan_code(identifier: str) -> int:
    """The patient whose printed copy carries this plan identifier (its QR code); Http404
    when none does. Only the id: the opening itself goes through :func:`open_acute_summary`."""
    plan = CarePlan.objects.filter(identifier=identifier.upper()).only("patient_id").first()
    if plan is None:
        raise Http404
    return plan.patient_id


def patient_for_emergency(actor: Actor, patient_id: int, via: str | None) -> Patient:
    """The patient whose emergency access the actor starts, reached through the gate (``via``
    from :func:`gate`). Only the service's logged write reads the patient; nothing about them
    is shown. PermissionDenied without the permissions, Http404 without a route or for an
    unknown patient."""
    if not (actor.has(Permission.VIEW_ACUTE_SUMMARY) and actor.has(Permission.EMERGENCY_ACCESS)):
        raise PermissionDenied
    if via not in IDENTIFYING_ROUTES:
        raise Http404
    patient = Patient.objects.filter(pk=patient_id).first()
    if patient is None:
        raise Http404
    return patient


class NoSharedPlan(Exception):
    """The patient has not consented to share with acute care and the actor has no emergency
    access: show "no shared plan" and offer emergency access.

    ``patient`` is set only when the actor reached this patient through their own search in
    this session (``identified``): then the page may show the name and date of birth the
    actor searched for. Otherwise it is None and the page shows nothing about the patient."""

    def __init__(self, patient: Patient | None) -> None:
        super().__init__("no shared plan")
        self.patient = patient


@dataclass(frozen=True)
class AcuteAccess:
    """An opened acute summary and the legal ground it was opened on."""

    patient: Patient
    purpose: AuditPurpose
    emergency: EmergencyAccess | None = None


def _patient_with_plan(pk: int, today: dt.date) -> QuerySet[Patient]:
    """The patient with their GP practice, plan and current version, the diagnosis text of the
    current marking (``marking_diagnosis``), and whether they consent to share with acute care
    today (one query)."""
    diagnosis = (
        Marking.objects.filter(patient=OuterRef("pk"), ended_on__isnull=True)
        .order_by("-marked_on", "-pk")
        .values("diagnosis")[:1]
    )
    patients = (
        Patient.objects.select_related("gp_practice", PLAN_WITH_PATIENT)
        .filter(pk=pk)
        .annotate(marking_diagnosis=Subquery(diagnosis))
        .order_by()
    )
    return patient_services.with_active_consent(patients, ConsentScope.ACUTE_CARE, on=today)[:1]


#: Compiled once per process: the acute path answers at 3 a.m. (decision 0021).
PATIENT_WITH_PLAN = PrecompiledQuery(_patient_with_plan, pk=int, today=dt.date)


def active_emergency_access(actor: Actor, patient_id: int) -> EmergencyAccess | None:
    """The actor's unexpired emergency access to the patient (same user and organisation)."""
    if actor.user is None or actor.organization_id is None:
        return None
    return (
        EmergencyAccess.objects.active()
        .filter(patient_id=patient_id, user=actor.user, organization_id=actor.organization_id)
        .order_by("-expires_at")
        .first()
    )


def open_acute_summary(
    actor: Actor, patient_id: int, *, via: str = "search", identified: bool = False
) -> AcuteAccess:
    """Open a patient's acute summary for ``actor`` and log it (consent or emergency).

    Raises PermissionDenied without the acute permission, Http404 for an unknown patient and
    :class:`NoSharedPlan` when neither consent nor emergency access allows it. ``identified``
    says the actor found this patient through their own search in this session: only then does
    :class:`NoSharedPlan` carry the patient (to show the name and date of birth searched for);
    the log records whether the identity was shown."""
    if not actor.has(Permission.VIEW_ACUTE_SUMMARY):
        raise PermissionDenied
    # The plan comes with the patient (one query); it is shown only on the consent or
    # emergency path below.
    patient = PATIENT_WITH_PLAN.first(pk=patient_id, today=timezone.localdate())
    if patient is None:
        raise Http404
    if patient_services.has_active_consent(patient, ConsentScope.ACUTE_CARE):
        audit.record(
            "acute.summary_read",
            actor=actor,
            action=AuditAction.READ,
            patient_id=patient.pk,
            purpose=AuditPurpose.CONSENT,
            details={"via": via},
        )
        return AcuteAccess(patient, AuditPurpose.CONSENT)
    grant = active_emergency_access(actor, patient.pk)
    if grant is not None:
        audit.record(
            "acute.summary_read",
            actor=actor,
            action=AuditAction.READ,
            patient_id=patient.pk,
            subject=grant,
            purpose=AuditPurpose.EMERGENCY,
            reason=grant.reason,
            details={"via": via, "emergency_access": grant.pk},
        )
        return AcuteAccess(patient, AuditPurpose.EMERGENCY, grant)
    audit.record(
        "acute.no_shared_plan",
        actor=actor,
        action=AuditAction.READ,
        patient_id=patient.pk,
        outcome=AuditOutcome.DENIED,
        details={"via": via, "identity_shown": identified},
    )
    raise NoSharedPlan(patient if identified else None)


@dataclass(frozen=True)
class ReviewQueue:
    """One page of the privacy officer's emergency accesses, already logged."""

    page: Page[EmergencyAccess]
    items: list[EmergencyAccess]
    #: How many wait for a conclusion (all pages).
    waiting: int


def review_queue(actor: Actor, *, show: str, page: str | int | None, per_page: int) -> ReviewQueue:
    """The emergency accesses waiting for the privacy officer's conclusion (oldest first), or
    the reviewed ones (``show="reviewed"``, newest first): one page, and the patients it names
    logged in the same call (legal ground: privacy review)."""
    actor.require(Permission.REVIEW_EMERGENCY_ACCESS)
    accesses = EmergencyAccess.objects.select_related("patient", "review")
    if show == "reviewed":
        accesses = accesses.filter(review__isnull=False).order_by("-started_at")
    else:
        accesses = accesses.unreviewed().order_by("started_at")
    shown = Paginator(accesses, per_page).get_page(page)
    items = list(shown.object_list)
    if items:
        audit.record(
            "acute.review_queue_read",
            actor=actor,
            action=AuditAction.READ,
            patient_ids=[a.patient_id for a in items],
            purpose=AuditPurpose.PRIVACY_REVIEW,
        )
    return ReviewQueue(shown, items, EmergencyAccess.objects.unreviewed().count())


def grant_for_review(actor: Actor, access_pk: int) -> EmergencyAccess:
    """One emergency access for the privacy officer to review; Http404 when there is none.
    Nothing is shown yet: the page that names the patient logs through
    :func:`record_review_read`."""
    actor.require(Permission.REVIEW_EMERGENCY_ACCESS)
    grant = EmergencyAccess.objects.select_related("patient").filter(pk=access_pk).first()
    if grant is None:
        raise Http404
    return grant


def record_review_read(actor: Actor, grant: EmergencyAccess) -> None:
    """The review page names the patient: a read with its own legal ground (privacy review)."""
    audit.record(
        "acute.review_read",
        actor=actor,
        action=AuditAction.READ,
        patient_id=grant.patient_id,
        subject=grant,
        purpose=AuditPurpose.PRIVACY_REVIEW,
    )
