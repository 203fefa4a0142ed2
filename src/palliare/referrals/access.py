"""Who sees a referral. The referring and the receiving organisation see the referral itself
(the patient asked to be referred: its identity and question are part of the request); the
receiving organisation sees the care-plan summary only with the patient's consent to share with
a receiving facility on referral. Every opening is written to the access log."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.http import Http404

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.patients import access as patient_access
from palliare.patients import services as patient_services
from palliare.patients.constants import ConsentScope
from palliare.patients.models import Patient

from .constants import ReferralStatus
from .models import Referral


def referrals_for(actor: Actor) -> QuerySet[Referral]:
    """The referrals the actor's organisation sent (with SEND_REFERRAL) or received (with
    RECEIVE_REFERRAL)."""
    org = actor.organization_id
    if org is None:
        return Referral.objects.none()
    condition = Q()
    if actor.has(Permission.SEND_REFERRAL):
        condition |= Q(referring_organization_id=org)
    if actor.has(Permission.RECEIVE_REFERRAL):
        condition |= Q(receiving_organization_id=org)
    if not condition:
        return Referral.objects.none()
    return Referral.objects.filter(condition)


@dataclass(frozen=True)
class OpenedReferral:
    referral: Referral
    is_referrer: bool
    is_receiver: bool
    may_see_plan: bool


def open_referral(actor: Actor, pk: int) -> OpenedReferral:
    """Open one referral for ``actor`` (404 if missing or not theirs) and log it against the
    patient, with the legal ground."""
    referral = (
        referrals_for(actor)
        .select_related(
            "patient__gp_practice", "receiving_organization", "facility", "referring_organization"
        )
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    is_referrer = referral.referring_organization_id == actor.organization_id
    is_receiver = referral.receiving_organization_id == actor.organization_id
    consent = patient_services.has_active_consent(referral.patient, ConsentScope.REFERRAL)
    may_see_plan = is_referrer or (is_receiver and consent)
    audit.record(
        "referrals.referral_read",
        actor=actor,
        action=AuditAction.READ,
        patient_id=referral.patient_id,
        subject=referral,
        purpose=AuditPurpose.TREATMENT if is_referrer or not consent else AuditPurpose.CONSENT,
        details={"care_plan_shown": str(may_see_plan)},
    )
    return OpenedReferral(referral, is_referrer, is_receiver, may_see_plan)


def list_page(
    actor: Actor, *, side: str, status: str, page: str | int | None, per_page: int
) -> Page[Referral]:
    """One page of the referrals the actor's organisation received (``side="received"``) or
    sent (``"sent"``), newest first, of one status (``"open"``: sent or accepted; an unknown
    status: all); the patients on the page are logged (``referrals.<side>_listed``) in the same
    call."""
    org = actor.organization_id or 0
    if side == "received":
        referrals = Referral.objects.filter(receiving_organization_id=org)
    else:
        referrals = Referral.objects.filter(referring_organization_id=org)
    referrals = referrals.select_related(
        "patient", "receiving_organization", "referring_organization", "facility"
    )
    if status == "open":
        referrals = referrals.filter(status__in=(ReferralStatus.SENT, ReferralStatus.ACCEPTED))
    elif status in ReferralStatus.values:
        referrals = referrals.filter(status=status)
    return patient_access.page_shown(
        actor,
        f"referrals.{side}_listed",
        referrals.order_by("-created_at"),
        _referral_patient,
        page=page,
        per_page=per_page,
    )


def _referral_patient(referral: Referral) -> Patient:
    return referral.patient
