"""Exports: the agenda and the minutes as PDF, the meeting as an iCalendar event."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction

from .. import access, ical, pdf, services
from ..models import Meeting
from .presenting import build_agenda


def _filename(meeting: Meeting, what: str, ext: str) -> str:
    return f"{what}-{timezone.localtime(meeting.starts_at):%Y-%m-%d}-{meeting.pk}.{ext}"


def _pdf_response(request: PalliareRequest, meeting: Meeting, *, minutes: bool) -> HttpResponse:
    actor = request.actor
    event = "meetings.minutes_exported" if minutes else "meetings.agenda_exported"
    view = build_agenda(actor, meeting, event=event, with_minutes=minutes)
    attendees = list(meeting.attendees.select_related("organization").order_by("name"))
    content = pdf.render_pdf(
        "meetings/pdf/minutes.html" if minutes else "meetings/pdf/agenda.html",
        {
            "meeting": meeting,
            "agenda": view,
            "attendees": attendees,
            "printed_at": timezone.localtime(),
            "printed_by": actor.audit_name,
        },
        request,
    )
    response = HttpResponse(content, content_type="application/pdf")
    name = _filename(meeting, "notulen" if minutes else "agenda", "pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_permission(Permission.VIEW_PATIENT)
def agenda_pdf(request: PalliareRequest, pk: int) -> HttpResponse:
    """The agenda, printable (patients named as the viewer may see them)."""
    return _pdf_response(request, access.get_meeting_for(request.actor, pk), minutes=False)


@require_permission(Permission.VIEW_PATIENT)
def minutes_pdf(request: PalliareRequest, pk: int) -> HttpResponse:
    """The minutes with decisions and action items, printable."""
    return _pdf_response(request, access.get_meeting_for(request.actor, pk), minutes=True)


@require_permission(Permission.VIEW_PATIENT)
def meeting_ics(request: PalliareRequest, pk: int) -> HttpResponse:
    """The meeting as a calendar event, without any patient data."""
    actor = request.actor
    meeting = access.get_meeting_for(actor, pk)
    attendees = list(meeting.attendees.order_by("name"))
    coordinator = meeting.core_team.coordinator
    page_url = request.build_absolute_uri(reverse("meetings:detail", args=[meeting.pk]))
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
        organizer_email=services.professional_email(coordinator) if coordinator else "",
        attendees=attendees,
        location_online=_("Online") if meeting.online_url else "",
    )
    audit.record(
        "meetings.calendar_exported", actor=actor, action=AuditAction.READ, subject=meeting
    )
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(meeting, "overleg", "ics")}"'
    )
    return response
