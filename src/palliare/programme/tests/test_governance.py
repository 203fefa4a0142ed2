"""Governance: overlapping seats of one person in one role are refused; meetings list their
members for attendance; documents are checked for size and type; decisions are numbered per
body per year (SG-2026-07), refused when dated in the future, and adopt deliverables; actions
appear on the owner's start page; the invitation is valid iCalendar."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from palliare.programme import services
from palliare.programme.constants import BodyRole, DeliverableStatus, MeetingStatus
from palliare.programme.factories import BodyFactory, DeliverableFactory
from palliare.programme.models import Decision, ProgrammeAction

from .conftest import days

pytestmark = pytest.mark.django_db


def _now_meeting(world, **kwargs):
    starts = timezone.now() - dt.timedelta(hours=1)
    return services.plan_body_meeting(
        world.coordinator, world.steering_group, starts_at=starts, location="Assen", **kwargs
    )


def test_overlapping_seat_in_one_role_refused(world):
    person = world.steering.membership.professional
    services.add_body_member(
        world.coordinator,
        world.steering_group,
        professional=person,
        role=BodyRole.CHAIR,
        started_on=dt.date(2021, 1, 1),
        ended_on=dt.date(2022, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.add_body_member(
            world.coordinator,
            world.steering_group,
            professional=person,
            role=BodyRole.CHAIR,
            started_on=dt.date(2021, 6, 1),
        )
    assert "started_on" in exc.value.error_dict
    # Back to back is fine, and so is another role at the same time.
    services.add_body_member(
        world.coordinator,
        world.steering_group,
        professional=person,
        role=BodyRole.CHAIR,
        started_on=dt.date(2022, 1, 1),
    )
    services.add_body_member(
        world.coordinator,
        world.steering_group,
        professional=person,
        role=BodyRole.MEMBER,
        started_on=dt.date(2021, 6, 1),
    )


def test_meeting_lists_current_members(world):
    person = world.steering.membership.professional
    services.add_body_member(
        world.coordinator,
        world.steering_group,
        professional=person,
        role=BodyRole.MEMBER,
        started_on=dt.date(2020, 1, 1),
    )
    meeting = _now_meeting(world)
    assert [a.professional_id for a in meeting.attendance.all()] == [person.pk]
    services.record_attendance(world.coordinator, meeting, {person.pk: "present"})
    assert meeting.attendance.get().status == "present"


@pytest.mark.parametrize(
    ("name", "content", "content_type", "ok"),
    [
        ("agenda.pdf", b"%PDF-1.7 hello", "application/pdf", True),
        ("notes.txt", "Agendapunt één".encode(), "text/plain", True),
        ("virus.exe", b"MZ...", "application/octet-stream", False),
        ("fake.pdf", b"MZ not a pdf", "application/pdf", False),
        ("empty.pdf", b"", "application/pdf", False),
    ],
)
def test_document_checks(world, name, content, content_type, ok):
    meeting = _now_meeting(world)
    topic = services.add_topic(world.coordinator, meeting, title="Werkboek")
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    if ok:
        document = services.attach_document(world.coordinator, topic, upload)
        assert bytes(document.content) == content
    else:
        with pytest.raises(ValidationError):
            services.attach_document(world.coordinator, topic, upload)


def test_document_too_large(world, settings):
    meeting = _now_meeting(world)
    topic = services.add_topic(world.coordinator, meeting, title="Werkboek")
    from palliare.programme import constants

    big = SimpleUploadedFile(
        "big.pdf", b"%PDF" + b"0" * constants.MAX_DOCUMENT_BYTES, content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as exc:
        services.attach_document(world.coordinator, topic, big)
    assert exc.value.error_dict["file"][0].code == "document_size"


def test_decisions_numbered_per_body_and_year(world):
    board = BodyFactory(code="db", name="Dagelijks bestuur", kind="daily_board")
    a = services.record_decision(
        world.steering,
        world.steering_group,
        decided_on=dt.date(2025, 12, 16),
        title="Kaders vastgesteld",
    )
    b = services.record_decision(
        world.coordinator,
        world.steering_group,
        decided_on=dt.date(2025, 12, 16),
        title="Werkplannen vastgesteld",
    )
    c = services.record_decision(
        world.steering, board, decided_on=dt.date(2025, 12, 16), title="Begroting"
    )
    d = services.record_decision(
        world.steering, world.steering_group, decided_on=dt.date(2026, 1, 20), title="Nieuw jaar"
    )
    assert [a.reference, b.reference, c.reference, d.reference] == [
        "SG-2025-01",
        "SG-2025-02",
        "DB-2025-01",
        "SG-2026-01",
    ]
    assert services.decision_choices()[0] == (d.pk, "SG-2026-01 Nieuw jaar")


def test_future_decision_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.record_decision(
            world.steering, world.steering_group, decided_on=days(1), title="Te vroeg"
        )
    assert "decided_on" in exc.value.error_dict
    assert not Decision.objects.exists()


def test_decision_refused_to_other_roles(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_decision(world.contact, world.steering_group, decided_on=days(0), title="X")


def test_decision_adopts_submitted_deliverable(world):
    deliverable = DeliverableFactory(submitted=True)
    decision = services.record_decision(
        world.coordinator,
        world.steering_group,
        decided_on=days(0),
        title="Werkboek vastgesteld",
        adopts=[deliverable],
    )
    deliverable.refresh_from_db()
    assert deliverable.status == DeliverableStatus.ADOPTED and deliverable.decision == decision


def test_action_on_owners_start_page_and_done(world, client_for):
    meeting = _now_meeting(world)
    owner = world.contact.membership.professional
    action = services.add_action(
        world.coordinator, meeting, description="Werkplan aanpassen", owner=owner, due_on=days(30)
    )
    client = client_for(world.contact)
    html = client.get(reverse("ui:home")).content.decode()
    assert "Werkplan aanpassen" in html
    # Somebody else cannot close it; the owner can.
    assert (
        client_for(world.gp).post(reverse("programme:action_done", args=[action.pk])).status_code
        == 403
    )
    response = client.post(reverse("programme:action_done", args=[action.pk]), {"next": "home"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()


def test_overdue_action_flagged_on_the_start_page(world, client_for):
    """Like a late deliverable, an action past its due date is marked "te laat" in "My actions"."""
    meeting = _now_meeting(world)
    owner = world.contact.membership.professional
    ProgrammeAction.objects.create(
        meeting=meeting, description="Jaarplan insturen", owner=owner, due_on=days(-10)
    )
    ProgrammeAction.objects.create(
        meeting=meeting, description="Begroting bespreken", owner=owner, due_on=days(10)
    )
    html = client_for(world.contact).get(reverse("ui:home")).content.decode()
    items = {
        name: re.search(rf"<li><strong>{name}</strong>.*?</li>", html, re.S).group(0)
        for name in ("Jaarplan insturen", "Begroting bespreken")
    }
    assert "te laat" in items["Jaarplan insturen"]
    assert "te laat" not in items["Begroting bespreken"]


def test_invitation_is_icalendar(world, client_for):
    person = world.steering.membership.professional
    person.email = "voorzitter@example.org"
    person.save()
    services.add_body_member(
        world.coordinator,
        world.steering_group,
        professional=person,
        role=BodyRole.CHAIR,
        started_on=dt.date(2020, 1, 1),
    )
    starts = timezone.make_aware(dt.datetime(timezone.localdate().year + 1, 7, 1, 15, 0))
    meeting = services.plan_body_meeting(
        world.coordinator, world.steering_group, starts_at=starts, location="Assen; zaal 2"
    )
    services.add_topic(world.coordinator, meeting, title="Kaders vaststellen")
    response = client_for(world.steering).get(reverse("programme:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["location"]) == "Assen; zaal 2"
    assert event.decoded("dtstart") == starts
    assert str(event["dtstart"].params["TZID"]) == "Europe/Amsterdam"
    assert "Kaders vaststellen" in str(event["description"])
    assert "mailto:voorzitter@example.org" in [str(a) for a in [event["attendee"]]]
    assert calendar.walk("VTIMEZONE")
    services.set_meeting_status(world.coordinator, meeting, MeetingStatus.CANCELLED)
    again = Calendar.from_ical(
        client_for(world.steering).get(reverse("programme:meeting_ics", args=[meeting.pk])).content
    )
    event = next(iter(again.walk("VEVENT")))
    # Revisions: the topic added (the invitation lists the agenda), then the cancellation.
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 2


def test_governance_pages(world, client_for):
    meeting = _now_meeting(world)
    topic = services.add_topic(world.coordinator, meeting, title="Werkboek")
    client = client_for(world.coordinator)
    for url in [
        reverse("programme:bodies"),
        reverse("programme:body", args=[world.steering_group.pk]),
        reverse("programme:meeting", args=[meeting.pk]),
        reverse("programme:decisions"),
    ]:
        assert client.get(url).status_code == 200, url
    upload = SimpleUploadedFile("agenda.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(
        reverse("programme:document_upload", args=[meeting.pk, topic.pk]), {"file": upload}
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("programme:document_upload", args=[meeting.pk, topic.pk]),
        {"file": SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")},
    )
    assert bad.status_code == 400
    doc = topic.documents.get()
    download = client_for(world.steering).get(reverse("programme:document", args=[doc.pk]))
    assert download.content == b"%PDF-1.4 x"
    # The steering group records a decision through the page; a future date is refused.
    steering = client_for(world.steering)
    url = reverse("programme:decision_add", args=[world.steering_group.pk])
    future = steering.post(url, {"decided_on": days(3).isoformat(), "title": "Later"})
    assert future.status_code == 400
    ok = steering.post(url, {"decided_on": days(0).isoformat(), "title": "Nu"})
    assert ok.status_code == 302
    assert Decision.objects.get().reference.startswith("SG-")
    # A member organisation's contact reads but cannot decide.
    assert client_for(world.contact).get(url).status_code == 403
