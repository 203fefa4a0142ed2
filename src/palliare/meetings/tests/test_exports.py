"""Exports: the meeting as an iCalendar event that follows RFC 5545 (CRLF, folded lines, escaped
text, Europe/Amsterdam with its VTIMEZONE, attendees by e-mail, location and link) and carries no
patient name; the agenda and minutes as Dutch, printable PDFs."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from palliare.meetings import ical, services
from palliare.meetings.constants import AttendanceMode
from palliare.meetings.factories import MeetingFactory
from palliare.meetings.models import AgendaItem
from palliare.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def _unfold(text: str) -> list[str]:
    assert "\n" not in text.replace("\r\n", "")  # only CRLF line breaks
    return text.replace("\r\n ", "").split("\r\n")


def _props(lines: list[str], name: str) -> list[str]:
    return [line for line in lines if line.split(":", 1)[0].split(";", 1)[0] == name]


def test_fold_and_escape():
    line = "DESCRIPTION:" + "é" * 100
    folded = ical.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert ical.param_value("Dr. A, B") == '"Dr. A, B"'


@pytest.mark.parametrize(
    ("month", "offset"), [(1, dt.timedelta(hours=1)), (7, dt.timedelta(hours=2))]
)
def test_ics_is_rfc5545_in_amsterdam_time(world, client_for, month, offset):
    year = timezone.localdate().year + 1
    starts = dt.datetime(year, month, 15, 12, 30, tzinfo=AMS)
    meeting = services.plan_meeting(
        world.coordinator,
        world.team,
        starts_at=starts,
        location="Praktijk, spreekkamer 2; 1e etage",
        online_url="https://video.example.invalid/patz-linde",
    )
    services.add_attendee(
        world.coordinator,
        meeting,
        professional=world.specialist.membership.professional,
        mode=AttendanceMode.REMOTE,
    )
    patient = PatientFactory(gp_practice=world.practice, family_name="Geheimnaam", urgency="red")
    services.add_agenda_patient(world.coordinator, meeting, patient)

    response = client_for(world.nurse).get(reverse("meetings:ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.endswith("\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and _props(lines, "PRODID")
    assert "BEGIN:VTIMEZONE" in lines and "TZID:Europe/Amsterdam" in lines
    assert f"DTSTART;TZID=Europe/Amsterdam:{year}{month:02d}15T123000" in lines
    assert f"DTEND;TZID=Europe/Amsterdam:{year}{month:02d}15T133000" in lines
    assert starts.utcoffset() == offset
    assert _props(lines, "DTSTAMP")[0].endswith("Z")
    assert _props(lines, "UID")[0] == f"UID:{meeting.uid}@palliare"
    assert "LOCATION:Praktijk\\, spreekkamer 2\\; 1e etage" in lines
    assert "URL:https://video.example.invalid/patz-linde" in lines
    attendees = _props(lines, "ATTENDEE")
    emails = {a.rsplit("mailto:", 1)[1] for a in attendees}
    specialist = world.specialist.membership.professional
    assert specialist.email in emails or specialist.user.email in emails
    assert any("ROLE=OPT-PARTICIPANT" in a for a in attendees)  # the guest
    organizer = _props(lines, "ORGANIZER")[0]
    assert organizer.endswith(world.coordinator.membership.professional.email or "")
    assert "Geheimnaam" not in text and patient.bsn not in text
    assert "SEQUENCE:1" in lines  # the guest was added after planning


def test_cancelled_meeting_is_cancelled_in_the_calendar(world, client_for):
    meeting = MeetingFactory(core_team=world.team)
    services.cancel_meeting(world.coordinator, meeting, reason="Ziekte")
    text = client_for(world.gp).get(reverse("meetings:ics", args=[meeting.pk])).content.decode()
    assert "STATUS:CANCELLED" in _unfold(text)


def _pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    return " ".join(text.split())


def test_agenda_and_minutes_pdf_in_dutch(world, client_for):
    patient = PatientFactory(
        gp_practice=world.practice, given_name="Klaasje", family_name="Drenth", urgency="red"
    )
    meeting = services.plan_meeting(world.coordinator, world.team, starts_at=timezone.now())
    services.prepare_agenda(world.coordinator, meeting)
    item = AgendaItem.objects.get(meeting=meeting, patient=patient)
    services.save_minutes(
        world.coordinator,
        item,
        data={"physical": "Meer pijn 's nachts", "decisions": "Pijnmedicatie ophogen"},
        expected_version=0,
    )
    services.add_action_item(
        world.coordinator,
        item,
        description="Apotheek inlichten",
        due_on=timezone.localdate(),
        owner=world.poh.membership.professional,
    )
    client = client_for(world.coordinator)
    agenda_text = _pdf_text(client.get(reverse("meetings:agenda_pdf", args=[meeting.pk])))
    assert "Agenda" in agenda_text and "Drenth" in agenda_text
    assert "Urgent" in agenda_text
    minutes_text = _pdf_text(client.get(reverse("meetings:minutes_pdf", args=[meeting.pk])))
    assert "Pijnmedicatie ophogen" in minutes_text and "Apotheek inlichten" in minutes_text
    assert "Vertrouwelijk" in minutes_text
