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
        ("meetings.agenda_viewed", "zag de patiënt op de agenda van een overleg"),
        ("referrals.sent", "heeft de patiënt verwezen"),
        ("consultations.advice_recorded", "heeft consultatieadvies vastgelegd"),
        ("fhir.read", "heeft gegevens gelezen via een gekoppeld systeem"),
        ("acute.summary_read", None),
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
