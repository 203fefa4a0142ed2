"""Acute search, emergency access and its review. Each service checks the permission, changes
state and writes the access log in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.models import User
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.db.precompiled import PrecompiledQuery
from palliare.notifications.services import notify
from palliare.organizations.models import Membership
from palliare.organizations.validators import normalize_postcode
from palliare.patients.models import Patient

from .constants import EMERGENCY_ACCESS_HOURS, EmergencyReason, ReviewConclusion
from .models import EmergencyAccess, EmergencyAccessReview


@dataclass(frozen=True)
class SearchResult:
    """The outcome of an acute search: exactly one patient, none, or too many to choose."""

    patient: Patient | None
    count: int

    @property
    def ambiguous(self) -> bool:
        return self.count > 1


def _name_matches(patient: Patient, family_name: str) -> bool:
    wanted = " ".join(family_name.lower().split())
    full = " ".join(p for p in (patient.family_name_prefix, patient.family_name) if p).lower()
    return wanted in (full, patient.family_name.lower())


def _by_bsn(bsn: str) -> QuerySet[Patient]:
    # At most two: one opens the summary, two means something is wrong and is reported.
    return Patient.objects.filter(bsn=bsn).only("pk").order_by()[:2]


#: Compiled once per process (decision 0021).
BY_BSN = PrecompiledQuery(_by_bsn, bsn=str)


def search(
    actor: Actor,
    *,
    bsn: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
    postcode: str = "",
) -> SearchResult:
    """Find one patient by BSN, or by family name + date of birth (+ postcode). Never guesses:
    more than one match is reported as ambiguous without naming anyone. Logged."""
    if not actor.has(Permission.VIEW_ACUTE_SUMMARY):
        raise PermissionDenied
    if bsn:
        matches = BY_BSN.fetch(bsn=bsn)
        by = "bsn"
    elif family_name and date_of_birth:
        candidates = Patient.objects.filter(date_of_birth=date_of_birth).filter(
            Q(family_name__iexact=family_name.split()[-1]) | Q(family_name__iexact=family_name)
        )
        if postcode:
            code = normalize_postcode(postcode)
            candidates = candidates.filter(postcode__startswith=code)
        matches = [p for p in candidates[:50] if _name_matches(p, family_name)]
        by = "name_dob_postcode" if postcode else "name_dob"
    else:
        raise ValidationError(_("Enter the BSN, or the family name and date of birth."))
    if len(matches) != 1:
        # A single match is logged when its summary opens (acute.summary_read, via=search): the
        # search page itself shows nothing about the patient. Failed and ambiguous searches are
        # logged here, naming every patient that matched.
        audit.record(
            "acute.search",
            actor=actor,
            action=AuditAction.READ,
            patient_ids=[p.pk for p in matches],
            purpose=AuditPurpose.TREATMENT,
            details={"by": by, "matches": min(len(matches), 2)},
        )
    return SearchResult(matches[0] if len(matches) == 1 else None, len(matches))


def _privacy_officers() -> list[User]:
    memberships = (
        Membership.objects.current()
        .filter(
            role__permissions__permission=Permission.REVIEW_EMERGENCY_ACCESS.value,
            professional__user__is_active=True,
        )
        .select_related("professional__user")
    )
    return [m.professional.user for m in memberships if m.professional.user is not None]


@transaction.atomic
def start_emergency_access(
    actor: Actor, patient: Patient, *, reason_code: EmergencyReason, reason: str
) -> EmergencyAccess:
    """Break the glass: open the patient's acute summary for a limited time, with a reason.
    The access is logged with the reason and waits in the privacy officer's review queue."""
    if not actor.has(Permission.EMERGENCY_ACCESS) or actor.user is None:
        raise PermissionDenied
    if actor.organization is None:
        raise PermissionDenied
    if reason_code not in EmergencyReason.values:
        raise ValidationError({"reason_code": _("Choose a reason.")})
    if len(reason.strip()) < 10:
        raise ValidationError(
            {
                "reason": _(
                    "Explain in a sentence why you need the plan now (at least 10 characters)."
                )
            }
        )
    now = timezone.now()
    grant = EmergencyAccess.objects.create(
        patient=patient,
        user=actor.user,
        user_name=actor.audit_name,
        organization=actor.organization,
        organization_name=actor.organization.name,
        role=actor.role_code,
        reason_code=reason_code,
        reason=reason.strip(),
        started_at=now,
        expires_at=now + dt.timedelta(hours=EMERGENCY_ACCESS_HOURS),
    )
    label = EmergencyReason(reason_code).label
    audit.record(
        "acute.emergency_access_started",
        actor=actor,
        action=AuditAction.EXECUTE,
        patient_id=patient.pk,
        subject=grant,
        purpose=AuditPurpose.EMERGENCY,
        reason=f"{label}: {grant.reason}",
        details={"expires_at": grant.expires_at.isoformat(), "reason_code": str(reason_code)},
    )
    officers = _privacy_officers()
    url = reverse("acute:review_queue")
    # Stored for officers who read Dutch, whatever the language of the one who broke the glass.
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("Emergency access used: to review")
    transaction.on_commit(
        lambda: notify(officers, kind="acute.emergency_access", title=title, url=url, email=True)
    )
    return grant


@transaction.atomic
def review_emergency_access(
    actor: Actor, grant: EmergencyAccess, *, conclusion: ReviewConclusion, note: str = ""
) -> EmergencyAccessReview:
    """The privacy officer marks one emergency access reviewed, with a conclusion.

    Once: a second review (a double submit, two officers at once) is refused with a message.
    The emergency access row is locked first, so concurrent reviews wait and then see the
    first; the one-to-one constraint is the last line, also answered with the message.
    Never one's own: someone who used emergency access (under another membership) cannot
    judge it; another privacy officer does."""
    if not actor.has(Permission.REVIEW_EMERGENCY_ACCESS) or actor.user is None:
        raise PermissionDenied
    if grant.user_id == actor.user.pk:
        raise ValidationError(
            _("You used this emergency access yourself: another privacy officer reviews it."),
            code="own",
        )
    already = ValidationError(_("This emergency access was already reviewed."), code="reviewed")
    EmergencyAccess.objects.select_for_update().filter(pk=grant.pk).first()
    if EmergencyAccessReview.objects.filter(access=grant).exists():
        raise already
    if conclusion not in ReviewConclusion.values:
        raise ValidationError({"conclusion": _("Choose a conclusion.")})
    if conclusion != ReviewConclusion.JUSTIFIED and not note.strip():
        raise ValidationError({"note": _("Explain the conclusion and the follow-up.")})
    try:
        with transaction.atomic():
            review = EmergencyAccessReview.objects.create(
                access=grant,
                conclusion=conclusion,
                note=note.strip(),
                reviewed_by=actor.user,
                reviewed_by_name=actor.audit_name,
            )
    except IntegrityError:
        raise already from None
    audit.record(
        "acute.emergency_access_reviewed",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=grant.patient_id,
        subject=review,
        purpose=AuditPurpose.PRIVACY_REVIEW,
        details={"conclusion": str(conclusion), "emergency_access": grant.pk},
    )
    return review
