"""A body meeting as an iCalendar invitation, written with the ``icalendar`` library."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .constants import MeetingStatus
from .models import BodyMeeting

TZID = "Europe/Amsterdam"


def build_invitation(
    meeting: BodyMeeting,
    *,
    summary: str,
    description: str,
    page_url: str,
    attendees: Iterable[tuple[str, str]] = (),
) -> bytes:
    """The VCALENDAR (RFC 5545) of ``meeting``: local Amsterdam times with their VTIMEZONE,
    attendees as (name, e-mail)."""
    tz = ZoneInfo(TZID)
    calendar = Calendar()
    calendar.add("prodid", "-//Palliare//Programme//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{meeting.uid}@palliare")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("summary", summary)
    event.add("description", description)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    if meeting.location:
        event.add("location", meeting.location)
    event.add("url", meeting.online_url or page_url)
    for name, email in attendees:
        if not email:
            continue
        address = vCalAddress(f"mailto:{email}")
        address.params["cn"] = vText(name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", address, encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
