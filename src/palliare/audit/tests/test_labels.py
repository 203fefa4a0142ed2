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


#: Event types whose Dutch label is not yet in the report's one tense ("heeft … <participle>"),
#: from apps outside the change that made the rest consistent. Only ever remove a line: the
#: test fails when a listed label is fixed, so the list cannot grow stale.
OTHER_TENSE = {
    "acute.emergency_access_reviewed",
    "acute.emergency_access_started",
    "acute.no_shared_plan",
    "acute.open_refused",
    "acute.review_queue_read",
    "acute.review_read",
    "acute.search",
    "acute.summary_read",
    "careplans.draft_discarded",
    "careplans.draft_read",
    "careplans.goals_viewed",
    "careplans.list_read",
    "careplans.plan_edit_read",
    "careplans.plan_read",
    "careplans.print_read",
    "careplans.printed",
    "careplans.save_conflict",
    "careplans.version_created",
    "careplans.version_read",
    "careplans.versions_compared",
    "careplans.worklist_viewed",
    "meetings.agenda_patient_search",
    "meetings.agenda_viewed",
    "meetings.my_actions_viewed",
    "meetings.worklist_actions_viewed",
    "notifications.patients_shown",
    "referrals.worklist_viewed",
}


def test_the_report_speaks_in_one_tense():
    """Every line of the patient's report reads "<who> (<role>, <organisation>) heeft …":
    each label (and each fallback) is a perfect-tense phrase, so rows do not switch between
    "zag", "opende" and "heeft … vastgelegd"."""
    with translation.override("nl"):
        texts = {event_type: labels.label(event_type) for event_type in labels._LABELS}
        fallbacks = [str(text) for text in labels.BY_ACTION.values()]
    uneven = {
        event_type for event_type, text in texts.items() if not text.startswith(("heeft ", "werd "))
    }
    assert all(text.startswith("heeft ") for text in fallbacks)
    assert uneven - OTHER_TENSE == set()  # a new label in another tense
    assert OTHER_TENSE - uneven == set()  # fixed: remove it from OTHER_TENSE
    for event_type in ("patient.read", "patients.worklist_viewed", "acute.access_report_read"):
        assert texts[event_type].startswith("heeft ")
