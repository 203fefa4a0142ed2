"""The access report's words for events: each app labels its own events (autodiscovered); an
event without a label is described by its action, never shown as a code."""

from __future__ import annotations

import pytest
from django.utils import translation

from palliare.audit import labels
from palliare.audit.constants import AuditAction


@pytest.mark.parametrize(
    ("event_type", "dutch"),
    [
        ("patient.read", None),
        ("signal.sent", "heeft een signaal naar de huisartsenpraktijk gestuurd"),
        ("careplans.version_created", None),
        ("meetings.agenda_viewed", "heeft de patiënt gezien op de agenda van een overleg"),
        ("referrals.sent", "heeft de patiënt verwezen"),
        ("consultations.advice_recorded", "heeft consultatieadvies vastgelegd"),
        ("fhir.read", "heeft gegevens gelezen via een gekoppeld systeem"),
        ("acute.summary_read", "heeft het acuut overzicht geopend"),
        ("acute.emergency_access_started", "heeft noodtoegang gebruikt"),
        ("notifications.patients_shown", "heeft de naam van de patiënt gezien in een melding"),
    ],
)
def test_every_app_labels_its_events(event_type, dutch):
    with translation.override("nl"):
        text = labels.label(event_type, AuditAction.READ)
    assert text != event_type
    assert text != "heeft gegevens bekeken"  # its own label, not the fallback
    if dutch:
        assert text == dutch


def test_an_unlabelled_event_is_described_by_its_action():
    with translation.override("nl"):
        assert labels.label("something.new", AuditAction.READ) == "heeft gegevens bekeken"
        assert labels.label("something.new", AuditAction.UPDATE) == "heeft gegevens gewijzigd"
        assert labels.label("something.new", "") == "something.new"


def test_the_report_speaks_in_one_tense():
    """Every line of the patient's report reads "<who> (<role>, <organisation>) heeft …":
    each label (and each fallback) is a perfect-tense phrase, so rows do not switch between
    "zag", "opende" and "heeft … vastgelegd"."""
    with translation.override("nl"):
        texts = {event_type: labels.label(event_type) for event_type in labels._LABELS}
        fallbacks = [str(text) for text in labels.BY_ACTION.values()]
    assert all(text.startswith("heeft ") for text in fallbacks)
    other_tense = {code: text for code, text in texts.items() if not text.startswith("heeft ")}
    assert other_tense == {}  # every app's labels, no exceptions
