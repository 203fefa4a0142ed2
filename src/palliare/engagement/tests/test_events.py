"""Public events: double opt-in registration (same public answer for known and unknown
addresses, expired and reused links refused), capacity and the waiting list moving up on
cancelling through the personal link, the reminder once, the iCalendar file, attendance counted
afterwards, personal data deleted after the retention period (logged), the rate limit per client
address, escaping, and the campaign's coverage per municipality."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from palliare.audit.models import AuditEvent
from palliare.engagement import services as engagement
from palliare.engagement import tokens
from palliare.engagement.constants import AttendeeStatus, EventKind
from palliare.engagement.factories import EventFactory
from palliare.engagement.models import Attendee
from palliare.engagement.services import events
from palliare.organizations.factories import MunicipalityFactory, PostcodeAreaFactory

from .conftest import link_in_last_mail

pytestmark = pytest.mark.django_db


def _register(client, event, name="Anna de Vries", email="anna@example.org"):
    return client.post(reverse("engagement:event", args=[event.pk]), {"name": name, "email": email})


def _confirm_from_mail(client):
    path = link_in_last_mail("/bevestigen/")
    assert client.get(path).status_code == 200
    return client.post(path)


def test_register_confirm_and_cancel(client):
    event = EventFactory(places=5, title="Dood uit de Pot Meppel")
    assert "Dood uit de Pot Meppel" in client.get(reverse("engagement:calendar")).content.decode()
    response = _register(client, event)
    assert response.status_code == 302 and response.url == reverse("engagement:check_mail")
    attendee = Attendee.objects.get()
    assert attendee.status == AttendeeStatus.PENDING
    assert mail.outbox[-1].to == ["anna@example.org"]
    done = _confirm_from_mail(client)
    assert "U bent aangemeld" in done.content.decode()
    attendee.refresh_from_db()
    assert attendee.status == AttendeeStatus.CONFIRMED
    cancel_path = link_in_last_mail("/afmelden/")
    assert client.get(cancel_path).status_code == 200
    cancelled = client.post(cancel_path)
    assert "afgemeld" in cancelled.content.decode()
    attendee.refresh_from_db()
    assert attendee.status == AttendeeStatus.CANCELLED


def test_confirm_link_is_single_use_and_expires(client, settings):
    event = EventFactory()
    _register(client, event)
    path = link_in_last_mail("/bevestigen/")
    client.post(path)
    reused = client.post(path)
    assert reused.status_code == 400 and "al gebruikt" in reused.content.decode()
    _register(client, event, email="bob@example.org")
    attendee = Attendee.objects.get(email="bob@example.org")
    old = timezone.now() - dt.timedelta(hours=settings.ENGAGEMENT_CONFIRM_HOURS + 1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            signing.TimestampSigner,
            "timestamp",
            lambda self: signing.b62_encode(int(old.timestamp())),
        )
        token = tokens.make("attendee_confirm", attendee.pk, attendee.nonce)
    expired = client.post(reverse("engagement:attendee_confirm", args=[token]))
    assert expired.status_code == 400 and "verlopen" in expired.content.decode()
    attendee.refresh_from_db()
    assert attendee.status == AttendeeStatus.PENDING


def test_tampered_links_refused(client):
    event = EventFactory()
    _register(client, event)
    path = link_in_last_mail("/bevestigen/")
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert client.post(tampered).status_code == 400
    assert client.get(reverse("engagement:attendee_cancel", args=["x"])).status_code == 400
    assert Attendee.objects.get().status == AttendeeStatus.PENDING


def test_same_answer_for_known_address_no_enumeration(client):
    event = EventFactory()
    first = _register(client, event)
    _confirm_from_mail(client)
    second = _register(client, event)
    assert (first.status_code, first.url) == (second.status_code, second.url)
    assert Attendee.objects.count() == 1
    assert "al aangemeld" in mail.outbox[-1].subject
    # The address never appears on a public page.
    page = client.get(reverse("engagement:event", args=[event.pk])).content.decode()
    assert "anna@example.org" not in page


def test_full_event_waiting_list_moves_up_on_cancel(client):
    event = EventFactory(places=1)
    _register(client, event, email="een@example.org")
    _confirm_from_mail(client)
    first_cancel = link_in_last_mail("/afmelden/")
    _register(client, event, email="twee@example.org")
    waiting = _confirm_from_mail(client)
    assert "wachtlijst" in waiting.content.decode()
    second = Attendee.objects.get(email="twee@example.org")
    assert second.status == AttendeeStatus.WAITING
    client.post(first_cancel)
    second.refresh_from_db()
    assert second.status == AttendeeStatus.CONFIRMED
    assert mail.outbox[-1].to == ["twee@example.org"]


def test_past_and_cancelled_events_refuse_registration(client):
    past = EventFactory(past=True)
    response = _register(client, past)
    assert response.status_code == 200
    assert "niet meer aanmelden" in response.content.decode()
    cancelled = EventFactory(cancelled_at=timezone.now())
    assert "gaat niet door" in _register(client, cancelled).content.decode()
    assert not Attendee.objects.exists()


def test_bad_input_and_script_escaped(client):
    event = EventFactory()
    response = _register(client, event, name="", email="geen-adres")
    assert response.status_code == 200 and not Attendee.objects.exists()
    _register(client, event, name="<script>alert(1)</script>", email="x@example.org")
    assert Attendee.objects.get().name == "<script>alert(1)</script>"
    EventFactory(title="<b>Vet</b>")
    calendar = client.get(reverse("engagement:calendar")).content.decode()
    assert "&lt;b&gt;Vet&lt;/b&gt;" in calendar and "<b>Vet</b>" not in calendar


def test_honeypot_gives_same_answer_and_stores_nothing(client):
    event = EventFactory()
    response = client.post(
        reverse("engagement:event", args=[event.pk]),
        {"name": "Bot", "email": "bot@example.org", "website": "spam"},
    )
    assert response.status_code == 302 and not Attendee.objects.exists() and not mail.outbox


def test_rate_limit_per_client_address(client, settings):
    settings.ENGAGEMENT_FORM_LIMIT = 3
    event = EventFactory()
    codes = [_register(client, event, email=f"p{n}@example.org").status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]
    other = client.post(
        reverse("engagement:event", args=[event.pk]),
        {"name": "A", "email": "a@example.org"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 302


def test_ics_file(client):
    event = EventFactory(title="Dood uit de Pot Emmen", venue="Bibliotheek")
    response = client.get(reverse("engagement:event_ics", args=[event.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    vevent = next(iter(cal.walk("VEVENT")))
    assert str(vevent["summary"]) == "Dood uit de Pot Emmen"
    assert "Bibliotheek" in str(vevent["location"])
    assert vevent.decoded("dtstart") == event.starts_at.replace(microsecond=0)


def test_reminder_the_day_before_once():
    event = EventFactory(starts_at=timezone.now() + dt.timedelta(hours=20))
    for n in range(2):
        Attendee.objects.create(
            event=event, name="X", email=f"r{n}@example.org", status=AttendeeStatus.CONFIRMED
        )
    Attendee.objects.create(
        event=event, name="Y", email="p@example.org", status=AttendeeStatus.PENDING
    )
    assert events.events_to_remind() == [event.pk]
    mail.outbox.clear()
    assert events.remind_event(event.pk) == 2
    assert events.remind_event(event.pk) == 0
    assert len(mail.outbox) == 2 and events.events_to_remind() == []


def test_attendance_count_after_the_event(coordinator, english):
    event = EventFactory()
    with pytest.raises(ValidationError, match="started"):
        events.record_attendance_count(event, actor=coordinator, count=40)
    past = EventFactory(past=True)
    events.record_attendance_count(past, actor=coordinator, count=40)
    past.refresh_from_db()
    assert past.attendance_count == 40


def test_personal_data_deleted_after_retention_and_logged(settings):
    settings.ENGAGEMENT_RETENTION_DAYS = 30
    old = EventFactory(
        starts_at=timezone.now() - dt.timedelta(days=40),
        ends_at=timezone.now() - dt.timedelta(days=40) + dt.timedelta(hours=2),
    )
    recent = EventFactory(past=True)
    a = Attendee.objects.create(
        event=old, name="Oud", email="oud@example.org", status=AttendeeStatus.CONFIRMED
    )
    b = Attendee.objects.create(
        event=recent, name="Nieuw", email="nieuw@example.org", status=AttendeeStatus.CONFIRMED
    )
    stale = Attendee.objects.create(
        event=EventFactory(),
        name="Nooit",
        email="nooit@example.org",
        status=AttendeeStatus.PENDING,
        created_at=timezone.now() - dt.timedelta(days=5),
    )
    assert events.purge_personal_data() == 2
    a.refresh_from_db()
    b.refresh_from_db()
    stale.refresh_from_db()
    assert (a.name, a.email) == ("", "") and a.personal_data_deleted_at is not None
    assert b.email == "nieuw@example.org"
    assert stale.email == "" and stale.status == AttendeeStatus.CANCELLED
    log = AuditEvent.objects.get(event_type="engagement.attendee_data_deleted")
    assert log.details["count"] == 2
    assert events.purge_personal_data() == 0


def test_campaign_coverage_map_and_table(client):
    assen = MunicipalityFactory(name="Assen", gm_code="GM0106")
    emmen = MunicipalityFactory(name="Emmen", gm_code="GM0114")
    for days in (-30, -10, 5, 20):
        EventFactory(municipality=assen, starts_at=timezone.now() + dt.timedelta(days=days))
    EventFactory(municipality=emmen, kind=EventKind.SYMPOSIUM)
    EventFactory(municipality=emmen, cancelled_at=timezone.now())
    data = engagement.coverage()
    rows = {r.name: r for r in data.rows}
    assert (rows["Assen"].held, rows["Assen"].planned, rows["Assen"].reached) == (2, 2, True)
    assert rows["Emmen"].total == 0
    assert (data.reached, data.without) == (1, 1)
    page = client.get(reverse("engagement:campaign")).content.decode()
    assert 'data-testid="coverage-table"' in page
    assert 'data-gm="GM0106"' in page


def test_calendar_query_count_independent_of_size(client):
    EventFactory()
    client.get(reverse("engagement:calendar"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("engagement:calendar"))
    for n in range(15):
        e = EventFactory()
        Attendee.objects.create(
            event=e, name="A", email=f"q{n}@example.org", status=AttendeeStatus.CONFIRMED
        )
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("engagement:calendar"))
    assert len(large) == len(small)


def test_year_figures(coordinator):
    year = timezone.localdate().year
    start = timezone.make_aware(dt.datetime(year, 3, 1, 19, 0))
    e = EventFactory(starts_at=start, ends_at=start + dt.timedelta(hours=2), places=40)
    Attendee.objects.create(
        event=e, name="A", email="f@example.org", status=AttendeeStatus.CONFIRMED
    )
    EventFactory(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        kind=EventKind.THEATRE,
        places=600,
        attendance_count=580,
    )
    figures = engagement.year_figures(year)
    assert (figures.events, figures.campaign_events, figures.places) == (2, 1, 640)
    assert (figures.registrations, figures.attendance) == (1, 580)
    assert figures.editions_target == 8


def test_event_map_shows_the_venue_without_the_bed_legend(client):
    """The public event page draws the venue on the map; the hospice-bed legend belongs to the
    bed pages only."""
    MunicipalityFactory(gm_code="GM0106")
    area = PostcodeAreaFactory(pc4="9401", latitude=52.998, longitude=6.560)
    event = EventFactory(venue="Bibliotheek Assen", postcode_area=area)
    page = client.get(reverse("engagement:event", args=[event.pk])).content.decode()
    assert 'id="event-map-title"' in page
    assert "Bibliotheek Assen" in page
    assert "vrij bed" not in page
    assert "opnamestop" not in page
    assert "marker--available" not in page
