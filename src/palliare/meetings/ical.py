"""The meeting as an iCalendar event (RFC 5545), written with the ``icalendar`` library.

The event carries no patient data at all: only the kind of meeting, the core team, time and
place, the online link and the attendees' names and e-mail addresses. Times are local times in
Europe/Amsterdam with the VTIMEZONE definition included (``add_missing_timezones``), so every
calendar shows them right across the change to and from summer time. Escaping, parameter
quoting and line folding are the library's."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText, vUri
from icalendar.parser import Contentline
from icalendar.parser import param_value as _param_value

from .constants import AttendanceMode, MeetingStatus
from .models import Attendee, Meeting

TZID = "Europe/Amsterdam"
PRODID = "-//Palliare//Meetings//NL"


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11), as the library writes it."""
    return vText(value).to_ical().decode("utf-8")


def param_value(value: str) -> str:
    """A parameter value: quoted when it holds ``:;,``."""
    return str(_param_value(value.replace('"', "'").replace("\r", " ").replace("\n", " ")))


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence."""
    folded: bytes = Contentline(line).to_ical()  # type: ignore[no-untyped-call]
    return folded.decode("utf-8")


def _attendee(attendee: Attendee) -> vCalAddress | None:
    if not attendee.email:
        return None
    address = vCalAddress(f"mailto:{attendee.email}")
    address.params["CN"] = attendee.name.replace('"', "'")
    address.params["CUTYPE"] = "INDIVIDUAL" if attendee.professional_id else "GROUP"
    address.params["ROLE"] = (
        "REQ-PARTICIPANT" if attendee.is_core_team_member else "OPT-PARTICIPANT"
    )
    address.params["PARTSTAT"] = "NEEDS-ACTION"
    address.params["RSVP"] = "FALSE"
    return address


def build_event(
    meeting: Meeting,
    *,
    summary: str,
    description: str,
    page_url: str,
    organizer_name: str = "",
    organizer_email: str = "",
    attendees: Iterable[Attendee] = (),
    location_online: str = "",
) -> str:
    """The whole VCALENDAR as text with CRLF line endings."""
    tz = ZoneInfo(TZID)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{meeting.uid}@palliare")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("summary", summary)
    event.add("description", description)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("class", "CONFIDENTIAL")
    location = meeting.location or location_online
    if location:
        event.add("location", location)
    if meeting.online_url:
        event.add("url", vUri(meeting.online_url))
        event.add(
            "conference",
            vUri(meeting.online_url),
            parameters={"VALUE": "URI", "FEATURE": "VIDEO"},
        )
    elif page_url:
        event.add("url", vUri(page_url))
    if organizer_email:
        organizer = vCalAddress(f"mailto:{organizer_email}")
        organizer.params["CN"] = organizer_name.replace('"', "'")
        event.add("organizer", organizer, encode=False)
    for attendee in attendees:
        address = _attendee(attendee)
        if address is not None:
            event.add("attendee", address, encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    text: bytes = calendar.to_ical()
    return text.decode("utf-8")


def remote_names(attendees: Iterable[Attendee]) -> list[str]:
    return [a.name for a in attendees if a.mode == AttendanceMode.REMOTE]
