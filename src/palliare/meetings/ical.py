"""The meeting as an iCalendar event (RFC 5545), written with the standard library.

The event carries no patient data at all: only the kind of meeting, the core team, time and
place, the online link and the attendees' names and e-mail addresses. Times are local times in
Europe/Amsterdam with the VTIMEZONE definition included, so every calendar shows them right
across the change to and from summer time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.utils import timezone

from .constants import AttendanceMode, MeetingStatus
from .models import Attendee, Meeting

TZID = "Europe/Amsterdam"
PRODID = "-//Palliare//Meetings//NL"

#: Europe/Amsterdam under the EU summer-time rules (since 1996).
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def param_value(value: str) -> str:
    """A parameter value: quoted when it holds ``:;,``; quotes themselves are not allowed."""
    clean = value.replace('"', "'").replace("\r", " ").replace("\n", " ")
    return f'"{clean}"' if any(c in clean for c in ":;,") else clean


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = b""
    limit = 75
    for char in line:
        b = char.encode("utf-8")
        if len(current) + len(b) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = 74  # continuation lines start with a space
        current += b
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _local(value: dt.datetime) -> str:
    return value.astimezone(ZoneInfo(TZID)).strftime("%Y%m%dT%H%M%S")


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _attendee_line(attendee: Attendee) -> str | None:
    if not attendee.email:
        return None
    params = [
        f"CN={param_value(attendee.name)}",
        "CUTYPE=INDIVIDUAL" if attendee.professional_id else "CUTYPE=GROUP",
        "ROLE=REQ-PARTICIPANT" if attendee.is_core_team_member else "ROLE=OPT-PARTICIPANT",
        "PARTSTAT=NEEDS-ACTION",
        "RSVP=FALSE",
    ]
    return f"ATTENDEE;{';'.join(params)}:mailto:{attendee.email}"


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
    location = meeting.location or location_online
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:{meeting.uid}@palliare",
        f"SEQUENCE:{meeting.sequence}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"CREATED:{_utc(meeting.created_at)}",
        f"LAST-MODIFIED:{_utc(meeting.updated_at)}",
        f"DTSTART;TZID={TZID}:{_local(meeting.starts_at)}",
        f"DTEND;TZID={TZID}:{_local(meeting.ends_at)}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        "STATUS:CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "CLASS:CONFIDENTIAL",
    ]
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if meeting.online_url:
        lines.append(f"URL:{meeting.online_url}")
        lines.append(f"CONFERENCE;VALUE=URI;FEATURE=VIDEO:{meeting.online_url}")
    elif page_url:
        lines.append(f"URL:{page_url}")
    if organizer_email:
        lines.append(f"ORGANIZER;CN={param_value(organizer_name)}:mailto:{organizer_email}")
    for attendee in attendees:
        line = _attendee_line(attendee)
        if line:
            lines.append(line)
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"


def remote_names(attendees: Iterable[Attendee]) -> list[str]:
    return [a.name for a in attendees if a.mode == AttendanceMode.REMOTE]
