"""Exports of a meeting that leave Palliare: the calendar event. Each is logged."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from palliare.accounts.actors import Actor
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction

from .. import ical
from ..models import Meeting
from .common import professional_email


def calendar_event(actor: Actor, meeting: Meeting, *, page_url: str) -> str:
    """The meeting as an iCalendar event (without any patient data), logged as an export.
    ``page_url`` is the meeting's page, for the description. The caller has checked that
    ``actor`` may see the meeting."""
    attendees = list(meeting.attendees.order_by("name"))
    coordinator = meeting.core_team.coordinator
    when = date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
    summary = _("%(kind)s %(team)s") % {
        "kind": meeting.get_kind_display(),
        "team": meeting.core_team.name,
    }
    description = [
        _("%(kind)s of %(team)s on %(when)s.")
        % {"kind": meeting.get_kind_display(), "team": meeting.core_team.name, "when": when},
        _("Agenda and minutes in Palliare: %(url)s") % {"url": page_url},
    ]
    if meeting.online_url:
        description.append(_("Join online: %(url)s") % {"url": meeting.online_url})
    remote = ical.remote_names(attendees)
    if remote:
        description.append(_("Joining remotely: %(names)s") % {"names": ", ".join(remote)})
    if meeting.note:
        description.append(meeting.note)
    body = ical.build_event(
        meeting,
        summary=summary,
        description="\n".join(description),
        page_url=page_url,
        organizer_name=coordinator.full_name if coordinator else "",
        organizer_email=professional_email(coordinator) if coordinator else "",
        attendees=attendees,
        location_online=_("Online") if meeting.online_url else "",
    )
    audit.record(
        "meetings.calendar_exported", actor=actor, action=AuditAction.READ, subject=meeting
    )
    return body
