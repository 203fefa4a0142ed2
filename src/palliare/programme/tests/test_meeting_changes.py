"""A planned governance meeting can be changed until it is held: date, time, place and the
agenda. A change made on a stale page is refused as a conflict (the user's input kept, 409);
the calendar invitation carries the new details with a higher SEQUENCE; the attendees are told
of a new time or place; a held or cancelled meeting, or the date of a meeting with decisions,
stays as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from palliare.notifications.models import Notification
from palliare.programme import services
from palliare.programme.constants import BodyRole, MeetingStatus
from palliare.programme.models import AgendaTopic

pytestmark = pytest.mark.django_db


def _at(days: int, hour: int = 15) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


@pytest.fixture
def meeting(world):
    person = world.steering.membership.professional
    services.add_body_member(
        world.coordinator,
        world.steering_group,
        professional=person,
        role=BodyRole.CHAIR,
        started_on=dt.date(2020, 1, 1),
    )
    return services.plan_body_meeting(
        world.coordinator, world.steering_group, starts_at=_at(20), location="Assen, zaal 2"
    )


def _ics_event(client, meeting):
    response = client.get(reverse("programme:meeting_ics", args=[meeting.pk]))
    return next(iter(Calendar.from_ical(response.content).walk("VEVENT")))


def test_change_date_and_place_updates_invitation_and_tells_attendees(
    world, meeting, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.steering)
    assert int(_ics_event(client, meeting)["sequence"]) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.update_body_meeting(
            world.coordinator,
            meeting,
            expected_sequence=0,
            starts_at=_at(22, 10),
            duration_minutes=90,
            location="Emmen, Scheper",
        )
    event = _ics_event(client, meeting)
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart") == _at(22, 10)
    assert event.decoded("dtend") == _at(22, 10) + dt.timedelta(minutes=90)
    assert str(event["location"]) == "Emmen, Scheper"
    told = Notification.objects.get(kind="programme.meeting_changed")
    assert told.recipient == world.steering.user
    assert "Emmen, Scheper" in told.title and told.title.startswith("Gewijzigd")
    assert len(mail.outbox) == 1


def test_stale_change_is_a_conflict(world, meeting):
    services.update_body_meeting(
        world.coordinator,
        meeting,
        expected_sequence=0,
        starts_at=meeting.starts_at,
        duration_minutes=120,
        location="Hoogeveen",
    )
    with pytest.raises(services.ConflictError) as exc:
        services.update_body_meeting(
            world.team,
            meeting,
            expected_sequence=0,
            starts_at=meeting.starts_at,
            duration_minutes=120,
            location="Meppel",
        )
    assert exc.value.current_version == 1
    meeting.refresh_from_db()
    assert meeting.location == "Hoogeveen"


def test_conflict_page_keeps_the_users_input(world, meeting, client_for):
    client = client_for(world.coordinator)
    url = reverse("programme:meeting_edit", args=[meeting.pk])
    assert client.get(url).status_code == 200
    services.add_topic(world.team, meeting, title="Begroting")  # somebody else, meanwhile
    local = timezone.localtime(meeting.starts_at)
    response = client.post(
        url,
        {
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 120,
            "location": "Meppel, De Schakel",
            "sequence": 0,
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Meppel, De Schakel" in html and 'name="sequence" value="1"' in html
    meeting.refresh_from_db()
    assert meeting.location == "Assen, zaal 2"
    # Saving again from that page goes through.
    response = client.post(
        url,
        {
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 120,
            "location": "Meppel, De Schakel",
            "sequence": 1,
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.location == "Meppel, De Schakel" and meeting.sequence == 2


def test_agenda_edit_and_remove(world, meeting, client_for):
    topic = services.add_topic(world.coordinator, meeting, title="Werkboek")
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    services.update_topic(
        world.coordinator, topic, expected_sequence=1, title="Werkboek vaststellen", note="Besluit"
    )
    with pytest.raises(services.ConflictError):
        services.update_topic(world.team, topic, expected_sequence=1, title="Oud")
    client = client_for(world.coordinator)
    page = client.get(reverse("programme:meeting", args=[meeting.pk])).content.decode()
    assert "Werkboek vaststellen" in page
    assert reverse("programme:topic_edit", args=[meeting.pk, topic.pk]) in page
    response = client.post(
        reverse("programme:topic_remove", args=[meeting.pk, topic.pk]), {"sequence": 2}
    )
    assert response.status_code == 302
    assert not AgendaTopic.objects.filter(pk=topic.pk).exists()
    assert "Werkboek vaststellen" not in str(_ics_event(client, meeting)["description"])


def test_agenda_topics_can_be_reordered(world, meeting, client_for):
    for title in ("Opening", "Werkboek", "Rondvraag"):
        services.add_topic(world.coordinator, meeting, title=title)
    meeting.refresh_from_db()
    werkboek = AgendaTopic.objects.get(meeting=meeting, title="Werkboek")
    client = client_for(world.coordinator)
    url = reverse("programme:topic_move", args=[meeting.pk, werkboek.pk])
    page = client.get(reverse("programme:meeting", args=[meeting.pk])).content.decode()
    assert url in page and "omhoog" in page

    response = client.post(url, {"sequence": meeting.sequence, "direction": "up"})
    assert response.status_code == 302
    assert list(meeting.topics.values_list("title", flat=True)) == [
        "Werkboek",
        "Opening",
        "Rondvraag",
    ]
    meeting.refresh_from_db()
    # The invitation lists the agenda in its new order, as a new revision.
    description = str(_ics_event(client, meeting)["description"])
    assert description.index("Werkboek") < description.index("Opening")

    # A stale page (the old sequence) changes nothing.
    client.post(url, {"sequence": meeting.sequence - 1, "direction": "down"})
    assert meeting.topics.values_list("title", flat=True)[0] == "Werkboek"
    # The first topic cannot go further up: a message, not an error page.
    response = client.post(url, {"sequence": meeting.sequence, "direction": "up"}, follow=True)
    assert response.status_code == 200
    assert "staat al als eerste" in response.content.decode()
    with pytest.raises(ValidationError):
        services.move_topic(
            world.coordinator, werkboek, direction="sideways", expected_sequence=meeting.sequence
        )
    # Only the programme team moves topics.
    response = client_for(world.steering).post(
        url, {"sequence": meeting.sequence, "direction": "down"}
    )
    assert response.status_code == 403


def test_held_meeting_and_decided_date_stay(world, client_for):
    held = services.plan_body_meeting(
        world.coordinator, world.steering_group, starts_at=_at(-3), location="Assen"
    )
    services.record_decision(
        world.coordinator,
        world.steering_group,
        decided_on=timezone.localdate() - dt.timedelta(days=3),
        title="Kaders vastgesteld",
        meeting=held,
    )
    with pytest.raises(ValidationError):  # decisions carry the meeting's date
        services.update_body_meeting(
            world.coordinator,
            held,
            expected_sequence=held.sequence,
            starts_at=_at(-2),
            duration_minutes=120,
            location="Assen",
        )
    services.set_meeting_status(world.coordinator, held, MeetingStatus.HELD)
    held.refresh_from_db()
    with pytest.raises(ValidationError):
        services.update_body_meeting(
            world.coordinator,
            held,
            expected_sequence=held.sequence,
            starts_at=held.starts_at,
            duration_minutes=120,
            location="Emmen",
        )
    response = client_for(world.coordinator).get(reverse("programme:meeting_edit", args=[held.pk]))
    assert response.status_code == 302


def test_only_the_programme_team_changes_meetings(world, meeting, client_for):
    with pytest.raises(PermissionDenied):
        services.update_body_meeting(
            world.steering,
            meeting,
            expected_sequence=0,
            starts_at=meeting.starts_at,
            duration_minutes=120,
            location="Elders",
        )
    response = client_for(world.steering).get(reverse("programme:meeting_edit", args=[meeting.pk]))
    assert response.status_code == 403


def test_a_decision_takes_the_meetings_local_date_after_midnight(world):
    """A meeting at half past midnight in the Netherlands is on the previous day in UTC: its
    decision carries the Dutch date (the check compared the UTC date and refused it)."""
    day = timezone.localdate() - dt.timedelta(days=2)
    starts_at = timezone.make_aware(dt.datetime(day.year, day.month, day.day, 0, 30))
    assert starts_at.astimezone(dt.UTC).date() != day  # the case: UTC is still the day before
    meeting = services.plan_body_meeting(
        world.coordinator, world.steering_group, starts_at=starts_at, location="Assen"
    )
    decision = services.record_decision(
        world.coordinator, world.steering_group, decided_on=day, title="Besluit", meeting=meeting
    )
    assert decision.decided_on == day
