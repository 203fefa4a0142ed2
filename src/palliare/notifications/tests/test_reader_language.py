"""Issue 18 item 13: a notification is read in the reader's language, not the language it was
made in. It keeps an English message id and its parameters; a choice label and a date among
them are translated and formatted when read. Notifications made before that are converted by a
data migration where their title matches a known message, and shown as stored otherwise."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from palliare.accounts.permissions import RoleCode
from palliare.notifications import services
from palliare.notifications.factories import NotificationFactory
from palliare.notifications.messages import DateParam, message
from palliare.notifications.models import Notification
from palliare.organizations.constants import OrganizationType
from palliare.patients.constants import SignalSuggestion

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "palliare.notifications.migrations.0004_existing_titles_to_message_ids"
)


def _made_in_dutch(user) -> Notification:
    with translation.override("nl"):
        [note] = services.notify(
            [user],
            kind="test.event",
            title=message(
                "New action for you from the meeting of %(date)s, due %(due)s",
                date=DateParam(dt.date(2026, 10, 28), "MONTH_DAY_FORMAT"),
                due=DateParam(dt.date(2026, 12, 17), "MONTH_DAY_FORMAT"),
            ),
        )
    return note


def test_a_notification_made_in_dutch_reads_in_english_for_an_english_reader(gp):
    note = Notification.objects.get(pk=_made_in_dutch(gp.user).pk)
    assert note.title == "Nieuwe actie voor u uit het overleg van 28 oktober, uiterlijk 17 december"
    with translation.override("en"):
        assert note.text == "New action for you from the meeting of October 28, due December 17"
    with translation.override("nl"):
        assert note.text == note.title


def test_a_choice_label_among_the_parameters_is_translated_when_read(gp):
    with translation.override("nl"):
        [note] = services.notify(
            [gp.user],
            kind="signal.received",
            title=message(
                "New signal: %(suggestion)s", suggestion=SignalSuggestion.CONSIDER_MARKING.label
            ),
        )
    note.refresh_from_db()
    assert note.params == {"suggestion": {"msg": "consider marking the palliative phase"}}
    with translation.override("en"):
        assert note.text == "New signal: consider marking the palliative phase"
    with translation.override("nl"):
        assert note.text.startswith("Nieuw signaal: ")
        assert "consider" not in note.text


def test_the_list_and_start_page_show_the_reader_language(gp, client_for):
    _made_in_dutch(gp.user)
    client = client_for(gp)
    client.cookies["palliare_language"] = "en"
    page = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "New action for you from the meeting of October 28" in page
    assert "Nieuwe actie" not in page
    home = client.get(reverse("ui:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "New action for you" in home


def test_a_broken_parameter_never_breaks_the_page(gp):
    note = NotificationFactory(recipient=gp.user, message_id="Care plan changed: version %(n)s")
    assert note.text  # no parameters stored: the text without substitution, no error


def test_migration_converts_known_dutch_titles_and_leaves_the_rest(make_actor):
    user = make_actor(RoleCode.DISTRICT_NURSE, type=OrganizationType.DISTRICT_NURSING).user
    known = NotificationFactory(recipient=user, title="Zorgplan gewijzigd: versie 7")
    plain = NotificationFactory(recipient=user, title="Uw signaal is afgehandeld")
    odd = NotificationFactory(recipient=user, title="Een tekst die niemand kent")
    migration.forwards(apps, None)
    for note in (known, plain, odd):
        note.refresh_from_db()
    assert (known.message_id, known.params) == ("Care plan changed: version %(n)s", {"n": "7"})
    assert plain.message_id == "Your signal was handled"
    assert odd.message_id == ""
    with translation.override("en"):
        assert known.text == "Care plan changed: version 7"
        assert plain.text == "Your signal was handled"
        assert odd.text == "Een tekst die niemand kent"
