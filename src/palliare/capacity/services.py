"""Writes of capacity: bed status reports, reminders for stale reports, district-nursing intake
and service area, facilities and services. Each service checks access, changes state and writes
the access log in one transaction; side effects (e-mail) run after commit, in tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.organizations.models import (
    Location,
    Membership,
    Municipality,
    Organization,
    PostcodeArea,
)

from . import access
from .constants import REMIND_EVERY, STALE_AFTER, AdmissionStatus, Channel, IntakeStatus
from .models import (
    BedStatus,
    CapacityReminder,
    DistrictNursingService,
    Facility,
    IntakeStatusChange,
)


class ConcurrentUpdateError(Exception):
    """Somebody else reported the beds after the form was opened; ``current`` is their report."""

    def __init__(self, current: BedStatus | None) -> None:
        super().__init__("The bed status changed since the form was opened.")
        self.current = current


def _name(actor: Actor) -> str:
    return actor.audit_name[:200]


def _locked(facility: Facility) -> Facility:
    return (
        Facility.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=facility.pk)
    )


# --- beds -------------------------------------------------------------------------------------


@transaction.atomic
def record_bed_status(
    facility: Facility,
    *,
    actor: Actor,
    beds: int,
    free_beds: int,
    admission_status: str,
    waiting_list: int = 0,
    note: str = "",
    channel: str = Channel.WEB,
    based_on: int | None = None,
    check_concurrency: bool = False,
) -> BedStatus:
    """Report a facility's beds now: a new history row that becomes the current status.

    With ``check_concurrency`` the report is refused (``ConcurrentUpdateError``) when the current
    status is no longer ``based_on``, the status the reporter saw. Bad numbers raise
    ``ValidationError`` and nothing is saved.
    """
    access.ensure_can_update_facility(actor, facility)
    locked = _locked(facility)
    if check_concurrency and locked.current_status_id != based_on:
        current = (
            BedStatus.objects.get(pk=locked.current_status_id) if locked.current_status_id else None
        )
        raise ConcurrentUpdateError(current)
    status = BedStatus(
        facility=locked,
        beds=beds,
        free_beds=free_beds,
        admission_status=admission_status,
        waiting_list=waiting_list,
        note=note.strip(),
        recorded_by=actor.user,
        recorded_by_name=_name(actor),
        channel=channel,
    )
    status.full_clean(exclude=["facility", "recorded_by"])
    status.save()
    locked.current_status = status
    locked.save(update_fields=["current_status", "updated_at"])
    facility.current_status = status
    audit.record(
        "capacity.bed_status_recorded",
        actor=actor,
        action=AuditAction.CREATE,
        subject=locked,
        purpose=AuditPurpose.ADMINISTRATION,
        details={
            "bed_status_id": status.pk,
            "beds": status.beds,
            "free_beds": status.free_beds,
            "admission_status": status.admission_status,
            "waiting_list": status.waiting_list,
            "channel": status.channel,
        },
    )
    return status


def _current_or_error(facility: Facility) -> BedStatus:
    if facility.current_status_id is None:
        raise ValidationError(
            _("No beds reported yet for %(facility)s. Fill in the full form first.")
            % {"facility": facility.display_name}
        )
    return BedStatus.objects.get(pk=facility.current_status_id)


@transaction.atomic
def adjust_free_beds(facility: Facility, *, actor: Actor, delta: int) -> BedStatus:
    """One bed more or fewer free than in the current status (the +/- buttons)."""
    access.ensure_can_update_facility(actor, facility)
    locked = _locked(facility)
    current = _current_or_error(locked)
    wanted = current.free_beds + delta
    if wanted < 0:
        raise ValidationError({"free_beds": _("The number of free beds cannot be lower than 0.")})
    if wanted > current.beds:
        raise ValidationError(
            {
                "free_beds": _(
                    "There are %(beds)s beds, so there cannot be more than %(beds)s free."
                )
                % {"beds": current.beds}
            }
        )
    return record_bed_status(
        locked,
        actor=actor,
        beds=current.beds,
        free_beds=wanted,
        admission_status=current.admission_status,
        waiting_list=current.waiting_list,
        note=current.note,
        channel=Channel.QUICK,
    )


@transaction.atomic
def confirm_bed_status(facility: Facility, *, actor: Actor) -> BedStatus:
    """ "Still correct": the same numbers, reported again now (clears the stale flag)."""
    access.ensure_can_update_facility(actor, facility)
    locked = _locked(facility)
    current = _current_or_error(locked)
    return record_bed_status(
        locked,
        actor=actor,
        beds=current.beds,
        free_beds=current.free_beds,
        admission_status=current.admission_status,
        waiting_list=current.waiting_list,
        note=current.note,
        channel=Channel.QUICK,
    )


@transaction.atomic
def save_facility(facility: Facility, *, actor: Actor) -> Facility:
    """Create or change a facility's description (name, kind, location) for the directory."""
    access.ensure_can_manage_directory(actor)
    created = facility.pk is None
    facility.full_clean(exclude=["current_status"])
    facility.save()
    audit.record(
        "capacity.facility_created" if created else "capacity.facility_changed",
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        subject=facility,
        purpose=AuditPurpose.ADMINISTRATION,
        details={
            "organization_id": facility.organization_id,
            "location_id": facility.location_id,
            "kind": facility.kind,
            "is_active": facility.is_active,
        },
    )
    return facility


# --- reminders for stale bed status -----------------------------------------------------------


def facilities_to_remind(now: dt.datetime | None = None) -> list[int]:
    """Active facilities whose status is stale and that had no reminder in the last 24 hours."""
    moment = now or timezone.now()
    recently = CapacityReminder.objects.filter(sent_at__gte=moment - REMIND_EVERY)
    return list(
        Facility.objects.active()
        .stale(moment)
        .exclude(pk__in=recently.values("facility_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def reminder_recipients(facility: Facility) -> list[str]:
    """E-mail addresses of the people who keep this facility's beds; else the organisation's."""
    emails = sorted(
        {
            e
            for e in Membership.objects.current()
            .filter(
                organization_id__in=[facility.organization_id, facility.organization.parent_id],
                role__permissions__permission=Permission.UPDATE_FACILITY_CAPACITY.value,
                professional__is_active=True,
                professional__user__is_active=True,
            )
            .values_list("professional__user__email", flat=True)
            if e
        }
    )
    if not emails and facility.organization.email:
        emails = [facility.organization.email]
    return emails


@dataclass(frozen=True)
class ReminderOutcome:
    facility_id: int
    sent: bool
    recipients: int


def remind_facility(facility_id: int, *, now: dt.datetime | None = None) -> ReminderOutcome:
    """Remind a facility whose bed status is stale (idempotent: at most once per 24 hours).

    The e-mail names the facility and when its beds were last reported; it holds no patient
    data. The reminder row also shows as a notice on the facility's start page.
    """
    moment = now or timezone.now()
    with transaction.atomic():
        facility = (
            Facility.objects.select_for_update(of=("self",))
            .select_related("organization", "current_status")
            .filter(pk=facility_id, is_active=True)
            .first()
        )
        if facility is None or not facility.is_stale(moment):
            return ReminderOutcome(facility_id, False, 0)
        if facility.reminders.filter(sent_at__gte=moment - REMIND_EVERY).exists():
            return ReminderOutcome(facility_id, False, 0)
        recipients = reminder_recipients(facility)
        reminder = CapacityReminder.objects.create(
            facility=facility,
            stale_status=facility.current_status,
            sent_at=moment,
            recipients=len(recipients),
        )
        audit.record(
            "capacity.stale_reminder_sent",
            actor=None,
            actor_name="system",
            action=AuditAction.EXECUTE,
            subject=facility,
            purpose=AuditPurpose.ADMINISTRATION,
            details={"reminder_id": reminder.pk, "recipients": len(recipients)},
        )
        if recipients:
            transaction.on_commit(lambda: _send_reminder_mail(facility, recipients))
    return ReminderOutcome(facility_id, True, len(recipients))


def _send_reminder_mail(facility: Facility, recipients: list[str]) -> None:
    status = facility.current_status
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "facility": facility.display_name,
            "last_update": timezone.localtime(status.recorded_at) if status else None,
            "hours": int(STALE_AFTER.total_seconds() // 3600),
            "url": settings.SITE_URL.rstrip("/") + reverse("ui:home"),
            "network": settings.NETWORK_NAME,
        }
        subject = render_to_string("capacity/email/stale_reminder_subject.txt", context).strip()
        body = render_to_string("capacity/email/stale_reminder.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


# --- district nursing -------------------------------------------------------------------------


@transaction.atomic
def record_intake_status(
    service: DistrictNursingService,
    *,
    actor: Actor,
    status: str,
    effective_date: dt.date | None = None,
    note: str = "",
    channel: str = Channel.WEB,
) -> IntakeStatusChange:
    """State whether the organisation takes new palliative clients, as of a date."""
    access.ensure_can_update_intake(actor, service)
    locked = DistrictNursingService.objects.select_for_update().get(pk=service.pk)
    change = IntakeStatusChange(
        service=locked,
        status=status,
        effective_date=effective_date or timezone.localdate(),
        note=note.strip(),
        recorded_by=actor.user,
        recorded_by_name=_name(actor),
        channel=channel,
    )
    change.full_clean(exclude=["service", "recorded_by"])
    change.save()
    locked.current_intake = change
    locked.save(update_fields=["current_intake", "updated_at"])
    service.current_intake = change
    audit.record(
        "capacity.intake_status_recorded",
        actor=actor,
        action=AuditAction.CREATE,
        subject=locked,
        purpose=AuditPurpose.ADMINISTRATION,
        details={
            "intake_status_id": change.pk,
            "status": change.status,
            "effective_date": change.effective_date.isoformat(),
            "channel": change.channel,
        },
    )
    return change


@transaction.atomic
def set_service_area(
    service: DistrictNursingService,
    *,
    actor: Actor,
    municipalities: Iterable[Municipality],
    postcode_areas: Iterable[PostcodeArea],
    referral_phone: str | None = None,
) -> DistrictNursingService:
    """Replace where a district-nursing organisation works (municipalities and/or PC4)."""
    access.ensure_can_edit_service_area(actor, service)
    municipality_ids = sorted({m.pk for m in municipalities})
    areas = {a.pk: a for a in postcode_areas}
    pc4s = sorted(areas)
    before_m = sorted(service.municipalities.values_list("pk", flat=True))
    before_p = sorted(service.postcode_areas.values_list("pk", flat=True))
    service.municipalities.set(municipality_ids)
    service.postcode_areas.set(list(areas.values()))
    if referral_phone is not None:
        service.referral_phone = referral_phone
        service.full_clean(exclude=["organization", "current_intake"])
    service.save()
    audit.record(
        "capacity.service_area_changed",
        actor=actor,
        action=AuditAction.UPDATE,
        subject=service,
        purpose=AuditPurpose.ADMINISTRATION,
        details={
            "municipalities_added": [m for m in municipality_ids if m not in before_m],
            "municipalities_removed": [m for m in before_m if m not in municipality_ids],
            "postcode_areas_added": [p for p in pc4s if p not in before_p],
            "postcode_areas_removed": [p for p in before_p if p not in pc4s],
        },
    )
    return service


@transaction.atomic
def register_district_nursing(
    organization: Organization, *, actor: Actor
) -> DistrictNursingService:
    """Make an organisation findable as a district-nursing service (idempotent)."""
    access.ensure_can_manage_directory(actor)
    service, created = DistrictNursingService.objects.get_or_create(organization=organization)
    if created:
        audit.record(
            "capacity.district_nursing_registered",
            actor=actor,
            action=AuditAction.CREATE,
            subject=service,
            purpose=AuditPurpose.ADMINISTRATION,
            details={"organization_id": organization.pk},
        )
    return service


@transaction.atomic
def save_district_nursing(
    service: DistrictNursingService, *, actor: Actor
) -> DistrictNursingService:
    """Create or change a district-nursing service's description (phone, active)."""
    access.ensure_can_manage_directory(actor)
    created = service.pk is None
    service.full_clean(exclude=["current_intake"])
    service.save()
    audit.record(
        "capacity.district_nursing_registered" if created else "capacity.district_nursing_changed",
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        subject=service,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"organization_id": service.organization_id, "is_active": service.is_active},
    )
    return service


def default_location(organization: Organization) -> Location | None:
    """The organisation's main location (the first one when none is marked main)."""
    return organization.locations.order_by("-is_main", "pk").first()


__all__ = [
    "AdmissionStatus",
    "ConcurrentUpdateError",
    "IntakeStatus",
    "ReminderOutcome",
    "adjust_free_beds",
    "confirm_bed_status",
    "default_location",
    "facilities_to_remind",
    "record_bed_status",
    "record_intake_status",
    "register_district_nursing",
    "remind_facility",
    "save_district_nursing",
    "save_facility",
    "set_service_area",
]
