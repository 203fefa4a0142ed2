"""Acute search, emergency access and its review. Each service checks the permission, changes
state and writes the access log in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from palliare.accounts.actors import Actor
from palliare.accounts.models import User
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.consultations.schedule import PublicHolidays
from palliare.db.precompiled import PrecompiledQuery
from palliare.notifications.messages import message
from palliare.notifications.services import notify
from palliare.organizations.models import Membership
from palliare.organizations.validators import normalize_postcode
from palliare.patients import services as patient_services
from palliare.patients.constants import ConsentScope
from palliare.patients.models import CareTeamMember, Patient
from palliare.patients.services.common import practice_users

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
    # Every search is logged with the patients it matched (issue 19 item 3: a single match
    # used to be logged only when its summary opened, so a search whose result was not opened
    # left no row). The legal ground: the patient's consent to share with acute care when the
    # one match has it, otherwise the acute care encounter the search is part of (treatment).
    purpose = AuditPurpose.TREATMENT
    if len(matches) == 1 and patient_services.has_active_consent(
        matches[0], ConsentScope.ACUTE_CARE
    ):
        purpose = AuditPurpose.CONSENT
    one = len(matches) == 1
    audit.record(
        "acute.search",
        actor=actor,
        action=AuditAction.READ,
        patient_id=matches[0].pk if one else None,
        patient_ids=[] if one else [p.pk for p in matches],
        purpose=purpose,
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
    # Rendered in each officer's language when read, whatever the language of the one who broke
    # the glass.
    title = message(gettext_noop("Emergency access used: to review"))
    transaction.on_commit(
        lambda: notify(officers, kind="acute.emergency_access", title=title, url=url, email=True)
    )
    transaction.on_commit(lambda: _schedule_practice_notice(grant))
    return grant


#: The practice is told at this local time on the first working day after the access.
PRACTICE_NOTICE_TIME = dt.time(8, 0)
#: Emergency accesses older than this are not told any more (the sweep's window).
PRACTICE_NOTICE_WINDOW_DAYS = 30


def next_working_day(day: dt.date, calendar: PublicHolidays | None = None) -> dt.date:
    """The first day after ``day`` that is neither a weekend day nor a Dutch public holiday."""
    calendar = calendar or PublicHolidays()
    nxt = day + dt.timedelta(days=1)
    while nxt.weekday() >= 5 or calendar.holiday_name(nxt) is not None:
        nxt += dt.timedelta(days=1)
    return nxt


def practice_notice_due(started_at: dt.datetime) -> dt.datetime:
    """When the lead practitioner and GP practice hear of an emergency access: 08:00 on the
    next working day after it (Amsterdam time)."""
    day = next_working_day(timezone.localtime(started_at).date())
    return timezone.make_aware(dt.datetime.combine(day, PRACTICE_NOTICE_TIME))


def _schedule_practice_notice(grant: EmergencyAccess) -> None:
    """Enqueue the practice's notice for when it is due, where the task backend can wait
    (the database backend in production); otherwise the daily sweep
    (``manage.py notify_emergency_access``) sends it."""
    from . import tasks

    task = tasks.notify_practice_of_emergency_access
    if task.get_backend().supports_defer:
        task.using(run_after=practice_notice_due(grant.started_at)).enqueue(grant.pk)


def practice_recipients(grant: EmergencyAccess) -> list[User]:
    """Who is told of an emergency access to a patient: the patient's lead practitioner (when
    their account works at their organisation now) and the users of the patient's GP practice
    who may see patients, never the one who used the access."""
    patient = grant.patient
    users = practice_users(patient.gp_practice_id, Permission.VIEW_PATIENT)
    lead = (
        CareTeamMember.objects.current()
        .filter(patient=patient, is_lead_practitioner=True, professional__isnull=False)
        .first()
    )
    if lead is not None and lead.organization_id != patient.gp_practice_id:
        users += [
            u
            for u in practice_users(lead.organization_id, Permission.VIEW_PATIENT)
            if lead.professional is not None and u.pk == lead.professional.user_id
        ]
    return [u for u in users if u.pk != grant.user_id]


@transaction.atomic
def notify_practice_of_emergency_access(access_id: int, *, now: dt.datetime | None = None) -> int:
    """Tell the patient's lead practitioner and GP practice that emergency access was used to
    their patient's record, once, when due (the next working day); the notification links to
    the access report they may produce for the patient. Idempotent: returns the number told,
    0 when not due yet or already told."""
    now = now or timezone.now()
    grant = (
        EmergencyAccess.objects.select_for_update()
        .select_related("patient")
        .filter(pk=access_id, practice_notified_at__isnull=True)
        .first()
    )
    if grant is None or practice_notice_due(grant.started_at) > now:
        return 0
    title = message(
        gettext_noop("Emergency access to your patient's record by %(org)s: see who looked"),
        org=grant.organization_name,
    )
    created = notify(
        practice_recipients(grant),
        kind=f"acute.emergency_access_practice.{grant.pk}",
        title=title,
        url=reverse("audit:practice_access_report", args=[grant.patient_id]),
        patient_id=grant.patient_id,
        email=True,
    )
    grant.practice_notified_at = now
    grant.save(update_fields=["practice_notified_at"])
    return len(created)


def notify_due_practices(*, now: dt.datetime | None = None) -> int:
    """The daily sweep: tell the practices of every emergency access of the last
    ``PRACTICE_NOTICE_WINDOW_DAYS`` days that is due and not yet told. Returns how many
    accesses were told."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=PRACTICE_NOTICE_WINDOW_DAYS)
    told = 0
    for pk in (
        EmergencyAccess.objects.practice_not_told()
        .filter(started_at__gte=since, started_at__lte=now)
        .order_by("started_at")
        .values_list("pk", flat=True)
    ):
        grant = EmergencyAccess.objects.only("started_at").get(pk=pk)
        if practice_notice_due(grant.started_at) <= now:
            notify_practice_of_emergency_access(pk, now=now)
            told += 1
    return told


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
