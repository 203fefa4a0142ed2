"""A public event as an iCalendar file (RFC 5545), written with the ``icalendar`` library."""

from __future__ import annotations

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from .models import Event


def event_ics(event: Event, *, url: str) -> bytes:
    """The VCALENDAR with one VEVENT: title, time, place, the event page. No personal data."""
    cal = Calendar()
    cal.add("prodid", "-//Palliare//Events//NL")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    item = VEvent()
    item.add("uid", f"event-{event.pk}@palliare")
    item.add("dtstamp", timezone.now())
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    location = ", ".join(p for p in (event.venue, event.address, event.municipality.name) if p)
    item.add("location", location)
    if event.description:
        item.add("description", event.description)
    item.add("url", url)
    item.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
    cal.add_component(item)
    return bytes(cal.to_ical())
