"""Marking suggestions where professionals meet them (decision 0041), after trying the product:

- the start page has one "consider marking" card (signals, indicators and suggestions from
  data, each patient once, with why), not two overlapping ones;
- the patient page says that a suggestion was dismissed, by whom, when and why, and whoever
  works with suggestions can reopen it (an append-only event, logged; 404 for another
  practice);
- the register's "consider marking" view shows the diagnosis group a suggestion is based on,
  or says it is not known yet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.organizations.constants import OrganizationType
from palliare.patients.constants import SuggestionEventKind, SuggestionStatus
from palliare.patients.factories import PatientFactory, SignalFactory
from palliare.patients.models import MarkingSuggestion, Patient
from palliare.patients.suggestions import services as suggestion_services

pytestmark = pytest.mark.django_db

AGE_DIAGNOSIS = {
    "age": 86,
    "min_age": 80,
    "conditions": [{"condition": "copd", "system": "ICPC", "code": "R95"}],
}
SIGNALLERS = {"months": 3, "professionals": []}


def suggest(patient: Patient, **evidence: dict[str, Any]) -> MarkingSuggestion:
    return MarkingSuggestion.objects.create(
        patient=patient, rule_codes=list(evidence), evidence=evidence, rules_version="t"
    )


def test_the_start_page_has_one_card_to_consider_marking(
    gp: Actor, client_for: Callable[[Actor], Any]
) -> None:
    both = PatientFactory(gp_practice=gp.organization, family_name="Bakker")
    suggest(both, age_diagnosis=AGE_DIAGNOSIS)
    SignalFactory(patient=both, recipient=gp.organization)
    only_suggested = PatientFactory(gp_practice=gp.organization, family_name="Kuipers")
    suggest(only_suggested, age_diagnosis=AGE_DIAGNOSIS)
    html = client_for(gp).get("/").content.decode()
    assert html.count('data-section="consider_marking"') == 1
    assert 'data-section="marking_suggestions"' not in html
    card = html[html.index('data-section="consider_marking"') :]
    card = card[: card.index("</section>")]
    assert card.count(f"/patients/{both.pk}/") == 1
    assert "Hoge leeftijd met een levensbedreigende diagnose; open signaal" in card
    assert "/patients/suggestions/" in card and "?view=consider" in card
    # Listing it there is showing it: a marking afterwards counts as led by it.
    assert MarkingSuggestion.objects.get(patient=only_suggested).shown_at is not None


def test_the_patient_page_shows_a_dismissal_and_reopens_it(
    gp: Actor, client_for: Callable[[Actor], Any]
) -> None:
    patient = PatientFactory(gp_practice=gp.organization)
    suggest(patient, age_diagnosis=AGE_DIAGNOSIS)
    suggestion_services.dismiss(
        gp, patient, reason="already_discussed", explanation="Besproken, nu niet."
    )
    client = client_for(gp)
    html = client.get(f"/patients/{patient.pk}/").content.decode()
    assert 'data-testid="suggestion-dismissed"' in html
    assert gp.audit_name in html or gp.user.get_full_name() in html
    assert "al besproken met de patiënt" in html and "Besproken, nu niet." in html
    assert f"/patients/{patient.pk}/suggestion/reopen/" in html

    response = client.post(f"/patients/{patient.pk}/suggestion/reopen/")
    assert response.status_code == 302
    suggestion = MarkingSuggestion.objects.get(patient=patient)
    assert suggestion.status == SuggestionStatus.OPEN
    kinds = list(suggestion.events.values_list("kind", flat=True))
    assert kinds[-2:] == [SuggestionEventKind.DISMISSED, SuggestionEventKind.REOPENED]
    assert suggestion.events.get(kind=SuggestionEventKind.REOPENED).by == gp.user
    assert AuditEvent.objects.filter(
        event_type="marking_suggestion.reopened", patient_id=patient.pk
    ).exists()
    html = client.get(f"/patients/{patient.pk}/").content.decode()
    assert 'data-testid="suggestion-dismissed"' not in html
    assert 'data-testid="suggestion-open"' in html


def test_reopening_is_for_the_patients_own_practice_and_only_after_a_dismissal(
    gp: Actor, client_for: Callable[[Actor], Any], make_actor: Callable[..., Actor]
) -> None:
    patient = PatientFactory(gp_practice=gp.organization)
    suggest(patient, age_diagnosis=AGE_DIAGNOSIS)
    suggestion_services.dismiss(gp, patient, reason="not_palliative")
    other = make_actor(RoleCode.GP, type=OrganizationType.GP_PRACTICE)
    assert client_for(other).post(f"/patients/{patient.pk}/suggestion/reopen/").status_code == 404
    assert MarkingSuggestion.objects.get(patient=patient).status == SuggestionStatus.DISMISSED
    assert client_for(gp).get(f"/patients/{patient.pk}/suggestion/reopen/").status_code == 405
    client_for(gp).post(f"/patients/{patient.pk}/suggestion/reopen/")
    before = MarkingSuggestion.objects.get(patient=patient).events.count()
    client_for(gp).post(f"/patients/{patient.pk}/suggestion/reopen/")  # already open
    assert MarkingSuggestion.objects.get(patient=patient).events.count() == before


def test_the_consider_view_shows_the_diagnosis_group_of_the_suggestion(
    gp: Actor, client_for: Callable[[Actor], Any]
) -> None:
    by_diagnosis = PatientFactory(gp_practice=gp.organization, family_name="Bakker")
    suggest(by_diagnosis, age_diagnosis=AGE_DIAGNOSIS)
    by_signals = PatientFactory(gp_practice=gp.organization, family_name="Kuipers")
    suggest(by_signals, several_signallers=SIGNALLERS)
    html = client_for(gp).get("/patients/?view=consider").content.decode()
    cells = html.split('data-testid="diagnosis-group">')[1:]
    texts = [cell[: cell.index("</td>")] for cell in cells]
    assert len(texts) == 2
    bakker, kuipers = texts  # by name
    assert bakker.startswith("orgaanfalen") and "volgens de suggestie" in bakker
    assert "nog onbekend" in kuipers
