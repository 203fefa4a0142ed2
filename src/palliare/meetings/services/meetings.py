"""Planning meetings, who attends, and the status planned → held (or cancelled)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from palliare.accounts.actors import Actor
from palliare.audit.constants import AuditAction
from palliare.notifications.messages import message
from palliare.notifications.services import notify
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Organization, Professional

from .. import access
from ..constants import DEFAULT_LOOKBACK_DAYS, AttendanceMode, MeetingKind, MeetingStatus
from ..models import Attendee, CoreTeam, CoreTeamMember, Meeting
from .common import ConflictError, actor_name, log, professional_email, works_at

#: Changing these changes the calendar event: its iCalendar SEQUENCE goes up.
CALENDAR_FIELDS = ("kind", "starts_at", "duration_minutes", "location", "online_url", "note")


def _validate(meeting: Meeting) -> None:
    if not meeting.location.strip() and not meeting.online_url.strip():
        raise ValidationError(
            {"location": _("Give a place, an online link, or both.")}, code="no_place"
        )
    meeting.full_clean(exclude=["core_team", "created_by"])


def _attendee_for(
    professional: Professional | None, organization: Organization | None
) -> tuple[str, str]:
    if professional is not None:
        return professional.full_name, professional_email(professional)
    assert organization is not None
    return organization.name, organization.email


def _invite_core_team(meeting: Meeting, actor: Actor) -> list[Attendee]:
    members = (
        CoreTeamMember.objects.current()
        .filter(core_team=meeting.core_team)
        .select_related("organization", "professional__user")
    )
    attendees: dict[tuple[int | None, int | None], Attendee] = {}
    for m in members:
        if m.professional is None and m.organization.type == OrganizationType.GP_PRACTICE:
            continue  # the practice's people are invited by name
        key = (m.professional_id, None if m.professional_id else m.organization_id)
        name, email = _attendee_for(m.professional, m.organization)
        attendees.setdefault(
            key,
            Attendee(
                meeting=meeting,
                professional=m.professional,
                organization=m.organization,
                name=name,
                email=email,
                is_core_team_member=True,
                added_by_name=actor_name(actor),
            ),
        )
    coordinator = meeting.core_team.coordinator
    if coordinator is not None and (coordinator.pk, None) not in attendees:
        name, email = _attendee_for(coordinator, None)
        attendees[(coordinator.pk, None)] = Attendee(
            meeting=meeting,
            professional=coordinator,
            name=name,
            email=email,
            is_core_team_member=True,
            added_by_name=actor_name(actor),
        )
    return Attendee.objects.bulk_create(attendees.values())


def _notify_invited(meeting: Meeting, attendees: list[Attendee], actor: Actor) -> None:
    users = [a.professional.user for a in attendees if a.professional and a.professional.user]
    notify(
        users,
        kind="meeting.invited",
        title=message(
            gettext_noop("You are invited: %(kind)s on %(when)s"),
            kind=MeetingKind(meeting.kind).label,
            when=meeting.starts_at,
        ),
        url=reverse("meetings:detail", args=[meeting.pk]),
        email=True,
        exclude=actor.user,
    )


@transaction.atomic
def plan_meeting(
    actor: Actor,
    core_team: CoreTeam,
    *,
    starts_at: dt.datetime,
    kind: MeetingKind | None = None,
    duration_minutes: int | None = None,
    location: str | None = None,
    online_url: str | None = None,
    note: str = "",
) -> Meeting:
    """Plan a meeting of the core team and invite its members (and the coordinator)."""
    access.ensure_manages(actor, core_team)
    if not core_team.is_active:
        raise ValidationError(_("This core team is no longer active."))
    meeting = Meeting(
        core_team=core_team,
        kind=kind or core_team.default_kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes or core_team.default_duration_minutes,
        location=core_team.default_location if location is None else location,
        online_url=core_team.default_online_url if online_url is None else online_url,
        note=note,
        created_by=actor.user,
    )
    _validate(meeting)
    meeting.save()
    invited = _invite_core_team(meeting, actor)
    log("meeting.planned", actor, AuditAction.CREATE, meeting, starts_at=meeting.starts_at)
    _notify_invited(meeting, invited, actor)
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("core_team").get(pk=meeting.pk)


@transaction.atomic
def update_meeting(
    actor: Actor, meeting: Meeting, *, expected_version: int, **data: object
) -> Meeting:
    """Change when, where or what kind of meeting it is. A concurrent change is refused."""
    access.ensure_manages(actor, meeting.core_team)
    current = _locked(meeting)
    if current.version != expected_version:
        raise ConflictError(current.version)
    if current.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be changed."))
    changed = []
    for name in CALENDAR_FIELDS:
        if name in data and getattr(current, name) != data[name]:
            setattr(current, name, data[name])
            changed.append(name)
    if not changed:
        return current
    _validate(current)
    current.version += 1
    current.sequence += 1
    current.save()
    log("meeting.updated", actor, AuditAction.UPDATE, current, changed=",".join(changed))
    return current


@transaction.atomic
def cancel_meeting(actor: Actor, meeting: Meeting, *, reason: str) -> Meeting:
    access.ensure_manages(actor, meeting.core_team)
    current = _locked(meeting)
    if current.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    current.status = MeetingStatus.CANCELLED
    current.cancelled_at = timezone.now()
    current.cancel_reason = reason.strip()
    current.version += 1
    current.sequence += 1
    current.save()
    log("meeting.cancelled", actor, AuditAction.UPDATE, current, reason=current.cancel_reason)
    return current


@transaction.atomic
def mark_held(actor: Actor, meeting: Meeting) -> Meeting:
    """The meeting took place (planned → held). The agenda is no longer refreshed; minutes and
    action items can still be added."""
    access.ensure_manages(actor, meeting.core_team)
    current = _locked(meeting)
    if current.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be marked as held."))
    if current.starts_at > timezone.now():
        raise ValidationError(_("This meeting has not started yet."))
    current.status = MeetingStatus.HELD
    current.held_at = timezone.now()
    current.held_by_name = actor_name(actor)
    current.version += 1
    current.save()
    log("meeting.held", actor, AuditAction.UPDATE, current)
    return current


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The core team's last meeting before this one (not cancelled)."""
    return (
        Meeting.objects.filter(core_team_id=meeting.core_team_id, starts_at__lt=meeting.starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-starts_at")
        .first()
    )


def agenda_since(meeting: Meeting) -> dt.date:
    """Where "since the previous meeting" starts for this meeting's agenda."""
    previous = previous_meeting(meeting)
    if previous is not None:
        return timezone.localdate(previous.starts_at)
    return timezone.localdate(meeting.starts_at) - dt.timedelta(days=DEFAULT_LOOKBACK_DAYS)


@transaction.atomic
def add_attendee(
    actor: Actor,
    meeting: Meeting,
    *,
    professional: Professional | None = None,
    organization: Organization | None = None,
    mode: AttendanceMode = AttendanceMode.IN_PERSON,
) -> Attendee:
    """Invite someone (a professional of an organisation, or an organisation) to the meeting."""
    access.ensure_manages(actor, meeting.core_team)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    if professional is None and organization is None:
        raise ValidationError(_("Choose a professional or an organisation."))
    if professional is not None and organization is None:
        first = professional.memberships.current().select_related("organization").first()
        organization = first.organization if first is not None else None
    if (
        professional is not None
        and organization is not None
        and not works_at(professional, organization)
    ):
        raise ValidationError(
            {"professional": _("This professional does not work at the chosen organisation.")}
        )
    if (
        professional is None
        and organization is not None
        and meeting.attendees.filter(professional__isnull=True, organization=organization).exists()
    ):
        raise ValidationError(_("This organisation is already invited."))
    name, email = _attendee_for(professional, organization)
    member_ids = CoreTeamMember.objects.current().filter(core_team=meeting.core_team_id)
    is_member = (
        member_ids.filter(professional=professional).exists()
        if professional is not None
        else member_ids.filter(organization=organization, professional__isnull=True).exists()
    )
    try:
        with transaction.atomic():
            attendee = Attendee.objects.create(
                meeting=meeting,
                professional=professional,
                organization=organization,
                name=name,
                email=email,
                mode=mode,
                is_core_team_member=is_member,
                added_by_name=actor_name(actor),
            )
    except IntegrityError as exc:
        raise ValidationError(_("This person is already invited.")) from exc
    Meeting.objects.filter(pk=meeting.pk).update(sequence=meeting.sequence + 1)
    meeting.sequence += 1
    log("meeting.attendee_added", actor, AuditAction.CREATE, attendee, mode=mode)
    if meeting.status == MeetingStatus.PLANNED:
        _notify_invited(meeting, [attendee], actor)
    return attendee


@transaction.atomic
def remove_attendee(actor: Actor, attendee: Attendee) -> None:
    meeting = attendee.meeting
    access.ensure_manages(actor, meeting.core_team)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Attendees can only be removed before the meeting is held."))
    log("meeting.attendee_removed", actor, AuditAction.DELETE, attendee, name=attendee.name)
    attendee.delete()
    Meeting.objects.filter(pk=meeting.pk).update(sequence=meeting.sequence + 1)


@transaction.atomic
def set_attendance(
    actor: Actor,
    attendee: Attendee,
    *,
    mode: AttendanceMode | None = None,
    attended: bool | None = None,
) -> Attendee:
    """Change how someone joins (present/remote) or record whether they attended."""
    access.ensure_manages(actor, attendee.meeting.core_team)
    if attendee.meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    fields = []
    if mode is not None and mode != attendee.mode:
        attendee.mode = mode
        fields.append("mode")
    if attended is not None and attended != attendee.attended:
        attendee.attended = attended
        fields.append("attended")
    if fields:
        attendee.save(update_fields=fields)
        log(
            "meeting.attendance_set",
            actor,
            AuditAction.UPDATE,
            attendee,
            mode=attendee.mode,
            attended=attendee.attended,
        )
    return attendee
