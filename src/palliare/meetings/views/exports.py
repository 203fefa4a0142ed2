"""Exports: the agenda and the minutes as PDF, the meeting as an iCalendar event."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest

from .. import access, pdf, services
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
    page_url = request.build_absolute_uri(reverse("meetings:detail", args=[meeting.pk]))
    body = services.calendar_event(actor, meeting, page_url=page_url)
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(meeting, "overleg", "ics")}"'
    )
    return response
