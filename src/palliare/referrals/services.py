"""Sending, answering and closing referrals, and feedback on the plan at admission."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.capacity.models import Facility
from palliare.notifications.services import notify
from palliare.organizations.models import Organization
from palliare.patients import access as patient_access
from palliare.patients.models import Patient
from palliare.patients.services.common import not_in_future, practice_users

from .constants import RECEIVING_TYPES, MissingItem, PlanQuality, ReferralStatus, ReferralUrgency
from .models import Referral, ReferralEvent, ReferralFeedback


def _ensure(actor: Actor, permission: Permission) -> None:
    if not actor.has(permission):
        raise PermissionDenied


def _event(referral: Referral, actor: Actor, status: str, note: str = "") -> None:
    ReferralEvent.objects.create(
        referral=referral,
        status=status,
        note=note,
        by_name=actor.audit_name,
        by_organization_name=actor.audit_organization_name,
    )


def _notify_referrer(referral: Referral, title: str) -> None:
    notify(
        [referral.referred_by],
        kind="referral.update",
        title=title,
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
    _ensure(actor, Permission.SEND_REFERRAL)
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
        title=gettext("New referral (%(urgency)s)") % {"urgency": referral.get_urgency_display()},
        url=reverse("referrals:detail", args=[referral.pk]),
        patient_id=patient.pk,
        email=True,
    )
    return referral


def _as_receiver(actor: Actor, referral: Referral) -> Referral:
    _ensure(actor, Permission.RECEIVE_REFERRAL)
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
    _notify_referrer(referral, gettext("Your referral was accepted"))
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
    _notify_referrer(referral, gettext("Your referral was declined"))
    return referral


@transaction.atomic
def record_admission(actor: Actor, referral: Referral, *, admitted_on: dt.date) -> Referral:
    not_in_future(admitted_on, "admitted_on")
    if admitted_on < referral.created_at.date():
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
    _notify_referrer(referral, gettext("The patient you referred was admitted"))
    return referral


@transaction.atomic
def withdraw_referral(actor: Actor, referral: Referral, *, reason: str) -> Referral:
    _ensure(actor, Permission.SEND_REFERRAL)
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
        title=gettext("A referral was withdrawn"),
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
    _notify_referrer(referral, gettext("Feedback on your referral"))
    return feedback
