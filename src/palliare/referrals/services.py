"""Sending, answering and closing referrals, and feedback on the plan at admission."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.capacity import access as capacity_access
from palliare.capacity import services as capacity_services
from palliare.capacity.models import BedStatus, Facility
from palliare.notifications.messages import message
from palliare.notifications.services import notify
from palliare.organizations.models import Organization
from palliare.patients import access as patient_access
from palliare.patients.models import Patient
from palliare.patients.services.common import not_in_future, practice_users

from .constants import RECEIVING_TYPES, MissingItem, PlanQuality, ReferralStatus, ReferralUrgency
from .models import Referral, ReferralEvent, ReferralFeedback


def _event(referral: Referral, actor: Actor, status: str, note: str = "") -> None:
    ReferralEvent.objects.create(
        referral=referral,
        status=status,
        note=note,
        by_name=actor.audit_name,
        by_organization_name=actor.audit_organization_name,
    )


def _notify_referrer(referral: Referral, msgid: str) -> None:
    notify(
        [referral.referred_by],
        kind="referral.update",
        title=message(msgid),
        url=reverse("referrals:detail", args=[referral.pk]),
        patient_id=referral.patient_id,
        email=True,
    )


@transaction.atomic
def send_referral(
    actor: Actor,
    patient: Patient,
    *,
    receiving_organization: Organization,
    urgency: ReferralUrgency,
    question: str,
    facility: Facility | None = None,
    desired_date: dt.date | None = None,
    referrer_phone: str = "",
) -> Referral:
    """Refer a patient the actor may see to a hospice, palliative unit, nursing home or district
    nursing. The receiving organisation is told at once (in the app; the e-mail names no one)."""
    actor.require(Permission.SEND_REFERRAL)
    if patient_access.access_purpose(actor, patient) is None:
        raise PermissionDenied
    if patient.is_deceased:
        raise ValidationError(_("This patient has died."))
    if receiving_organization.type not in RECEIVING_TYPES or not receiving_organization.is_active:
        raise ValidationError(
            {
                "receiving_organization": _(
                    "Choose a hospice, palliative unit, nursing home or district-nursing "
                    "organisation."
                )
            }
        )
    if facility is not None and facility.organization_id != receiving_organization.pk:
        raise ValidationError({"facility": _("This facility belongs to another organisation.")})
    if not question.strip():
        raise ValidationError({"question": _("Describe why you refer the patient.")})
    if desired_date is not None and desired_date < timezone.localdate():
        raise ValidationError({"desired_date": _("The desired date lies in the past.")})
    if Referral.objects.filter(
        patient=patient,
        receiving_organization=receiving_organization,
        status__in=(ReferralStatus.SENT, ReferralStatus.ACCEPTED),
    ).exists():
        raise ValidationError(_("This patient already has an open referral to this organisation."))
    assert actor.user is not None and actor.organization is not None
    referral = Referral.objects.create(
        patient=patient,
        receiving_organization=receiving_organization,
        facility=facility,
        urgency=urgency,
        desired_date=desired_date,
        question=question.strip(),
        referring_organization=actor.organization,
        referred_by=actor.user,
        referred_by_name=actor.audit_name,
        referrer_phone=referrer_phone,
    )
    _event(referral, actor, ReferralStatus.SENT)
    audit.record(
        "referrals.sent",
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        subject=referral,
        purpose=AuditPurpose.TREATMENT,
        details={"to": receiving_organization.name},
    )
    notify(
        practice_users(receiving_organization.pk, Permission.RECEIVE_REFERRAL),
        kind="referral.received",
        title=message(
            gettext_noop("New referral (%(urgency)s)"),
            urgency=ReferralUrgency(referral.urgency).label,
        ),
        url=reverse("referrals:detail", args=[referral.pk]),
        patient_id=patient.pk,
        email=True,
    )
    return referral


def _as_receiver(actor: Actor, referral: Referral) -> Referral:
    actor.require(Permission.RECEIVE_REFERRAL)
    if actor.organization_id != referral.receiving_organization_id:
        raise PermissionDenied
    return Referral.objects.select_for_update().get(pk=referral.pk)


@transaction.atomic
def accept_referral(actor: Actor, referral: Referral, *, note: str = "") -> Referral:
    referral = _as_receiver(actor, referral)
    referral.transition_to(ReferralStatus.ACCEPTED)
    referral.save()
    _event(referral, actor, ReferralStatus.ACCEPTED, note)
    audit.record(
        "referrals.accepted",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=referral.patient_id,
        subject=referral,
        purpose=AuditPurpose.TREATMENT,
    )
    _notify_referrer(referral, gettext_noop("Your referral was accepted"))
    return referral


@transaction.atomic
def decline_referral(actor: Actor, referral: Referral, *, reason: str) -> Referral:
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the referrer why, so they can look further.")})
    referral = _as_receiver(actor, referral)
    referral.transition_to(ReferralStatus.DECLINED)
    referral.save()
    _event(referral, actor, ReferralStatus.DECLINED, reason.strip())
    audit.record(
        "referrals.declined",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=referral.patient_id,
        subject=referral,
        purpose=AuditPurpose.TREATMENT,
    )
    _notify_referrer(referral, gettext_noop("Your referral was declined"))
    return referral


def admission_bed_status(actor: Actor, referral: Referral) -> BedStatus | None:
    """The receiving facility's current bed status when ``actor`` may lower its free beds at
    admission (its own staff, a status reported), else None."""
    facility = referral.facility
    if facility is None or facility.current_status_id is None:
        return None
    if not capacity_access.can_update_facility(actor, facility):
        return None
    return BedStatus.objects.get(pk=facility.current_status_id)


@transaction.atomic
def record_admission(
    actor: Actor, referral: Referral, *, admitted_on: dt.date, lower_free_beds: bool = False
) -> Referral:
    """Record that the referred patient was admitted. With ``lower_free_beds`` the facility's
    free beds go down by one in the same transaction (issue 18 item 8: the regional bed list
    stayed as it was after an admission); nothing is lowered below 0."""
    not_in_future(admitted_on, "admitted_on")
    if admitted_on < timezone.localdate(referral.created_at):
        raise ValidationError({"admitted_on": _("Admission cannot be before the referral.")})
    referral = _as_receiver(actor, referral)
    referral.transition_to(ReferralStatus.ADMITTED)
    referral.admitted_on = admitted_on
    referral.save()
    _event(referral, actor, ReferralStatus.ADMITTED)
    audit.record(
        "referrals.admitted",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=referral.patient_id,
        subject=referral,
        purpose=AuditPurpose.TREATMENT,
    )
    if lower_free_beds:
        status = admission_bed_status(actor, referral)
        if status is not None and status.free_beds > 0 and referral.facility is not None:
            capacity_services.adjust_free_beds(referral.facility, actor=actor, delta=-1)
    _notify_referrer(referral, gettext_noop("The patient you referred was admitted"))
    return referral


@transaction.atomic
def withdraw_referral(actor: Actor, referral: Referral, *, reason: str) -> Referral:
    actor.require(Permission.SEND_REFERRAL)
    if actor.organization_id != referral.referring_organization_id:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    referral.transition_to(ReferralStatus.WITHDRAWN)
    referral.save()
    _event(referral, actor, ReferralStatus.WITHDRAWN, reason.strip())
    audit.record(
        "referrals.withdrawn",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=referral.patient_id,
        subject=referral,
        purpose=AuditPurpose.TREATMENT,
    )
    notify(
        practice_users(referral.receiving_organization_id, Permission.RECEIVE_REFERRAL),
        kind="referral.withdrawn",
        title=message(gettext_noop("A referral was withdrawn")),
        url=reverse("referrals:detail", args=[referral.pk]),
        patient_id=referral.patient_id,
    )
    return referral


@transaction.atomic
def record_feedback(
    actor: Actor,
    referral: Referral,
    *,
    plan_quality: PlanQuality,
    missing: list[MissingItem],
    note: str = "",
) -> ReferralFeedback:
    """The receiving organisation tells the referrer what it found at admission."""
    referral = _as_receiver(actor, referral)
    if referral.status not in (ReferralStatus.ACCEPTED, ReferralStatus.ADMITTED):
        raise ValidationError(_("Feedback is given on accepted or admitted referrals."))
    if plan_quality in (PlanQuality.ADEQUATE, PlanQuality.INSUFFICIENT) and not missing:
        raise ValidationError({"missing": _("Tick what was missing.")})
    assert actor.user is not None
    feedback = ReferralFeedback.objects.create(
        referral=referral,
        plan_quality=plan_quality,
        missing=[str(m) for m in missing],
        note=note.strip(),
        recorded_by=actor.user,
        recorded_by_name=actor.audit_name,
    )
    audit.record(
        "referrals.feedback_given",
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=referral.patient_id,
        subject=feedback,
        purpose=AuditPurpose.TREATMENT,
        details={"plan_quality": str(plan_quality)},
    )
    _notify_referrer(referral, gettext_noop("Feedback on your referral"))
    return feedback


# --- the network coordinator's overview of feedback -----------------------------------------

#: How many of the most recent feedback rows the overview lists.
RECENT_FEEDBACK = 20


@dataclass(frozen=True)
class FeedbackSummary:
    """Counts over the feedback that counts (the newest row per referral), without patient
    details, and the most recent of those rows."""

    total: int
    #: plan quality code → referrals
    quality: dict[str, int]
    #: missing-item code → referrals whose feedback names it
    missing: dict[str, int]
    #: referring organisation's name → plan quality code → referrals
    by_referrer: dict[str, dict[str, int]]
    #: newest first, with both organisations loaded
    recent: list[ReferralFeedback]


def feedback_summary() -> FeedbackSummary:
    """The figures of the feedback overview, counted by the database (2 queries, whatever the
    number of feedback rows): one grouped count per referring organisation and plan quality, and
    the most recent rows."""
    latest = ReferralFeedback.objects.latest_per_referral()
    # ``missing`` is a JSON list of MissingItem codes. Counting the lists that hold a code works
    # alike on SQLite and PostgreSQL on the list's JSON text: a code is a plain identifier, so
    # as JSON it is the code in double quotes, and no other code's JSON text contains that. A
    # list that names a code twice counts once (the page counts referrals).
    per_item = {
        f"missing_{code}": Count("pk", filter=Q(missing_text__contains=f'"{code}"'))
        for code in MissingItem.values
    }
    groups = (
        latest.annotate(missing_text=Cast("missing", TextField()))
        .values("referral__referring_organization__name", "plan_quality")
        .annotate(referrals=Count("pk"), **per_item)
        .order_by()
    )
    quality: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    by_referrer: dict[str, dict[str, int]] = {}
    for group in cast(Iterable[dict[str, Any]], groups):
        name, code = group["referral__referring_organization__name"], group["plan_quality"]
        quality[code] += group["referrals"]
        by_referrer.setdefault(name, {})[code] = group["referrals"]
        for item in MissingItem.values:
            missing[item] += group[f"missing_{item}"]
    recent = list(
        latest.select_related(
            "referral__referring_organization", "referral__receiving_organization"
        ).order_by("-recorded_at", "referral_id")[:RECENT_FEEDBACK]
    )
    return FeedbackSummary(
        total=quality.total(),
        quality=dict(quality),
        missing={code: n for code, n in missing.items() if n},
        by_referrer=by_referrer,
        recent=recent,
    )
