"""The coordinator's event pages: creating an event with a postcode for the map (an unknown
postcode refused), the registration counts, attendance counted afterwards; other roles are
refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.engagement.factories import EventFactory
from palliare.engagement.models import Event
from palliare.organizations.factories import MunicipalityFactory, PostcodeAreaFactory

pytestmark = pytest.mark.django_db


def test_coordinator_creates_event_and_counts_attendance(client_for, coordinator):
    municipality = MunicipalityFactory(name="Midden-Drenthe")
    PostcodeAreaFactory(pc4="9411", municipality=municipality)
    client = client_for(coordinator)
    start = timezone.localtime() + dt.timedelta(days=10)
    data = {
        "title": "Dood uit de Pot Beilen",
        "kind": "dood_uit_de_pot",
        "starts_at": start.strftime("%Y-%m-%dT19:00"),
        "ends_at": start.strftime("%Y-%m-%dT21:00"),
        "venue": "Dorpshuis",
        "municipality": municipality.pk,
        "places": "40",
        "is_published": "on",
        "postcode": "1000 AA",
    }
    refused = client.post(reverse("engagement:event_create"), data)
    assert "Deze postcode is niet bekend" in refused.content.decode()
    data["postcode"] = "9411 AB"
    assert client.post(reverse("engagement:event_create"), data).status_code == 302
    event = Event.objects.get()
    assert event.postcode_area_id == "9411"
    page = client.get(reverse("engagement:manage_event", args=[event.pk])).content.decode()
    assert 'data-testid="event-counts"' in page
    past = EventFactory(past=True)
    client.post(reverse("engagement:event_attendance", args=[past.pk]), {"attendance_count": "37"})
    past.refresh_from_db()
    assert past.attendance_count == 37
    client.post(reverse("engagement:event_attendance", args=[past.pk]), {"attendance_count": "-3"})
    past.refresh_from_db()
    assert past.attendance_count == 37


def test_other_roles_refused(client_for, make_actor):
    nurse = make_actor(RoleCode.DISTRICT_NURSE)
    assert client_for(nurse).get(reverse("engagement:manage")).status_code == 403
