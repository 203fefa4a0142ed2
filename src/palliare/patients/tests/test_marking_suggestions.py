"""Marking suggestions from data (issue 18 item 15, decision 0041): the rules at their
boundaries, the recomputation, the pages, and the measurement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.consultations.factories import ConsultationRequestFactory
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients import services
from palliare.patients.constants import (
    ContactClass,
    ContactStatus,
    SuggestionEventKind,
    SuggestionStatus,
)
from palliare.patients.factories import PatientFactory, SignalFactory, marking_data
from palliare.patients.models import (
    CareContact,
    CareContactVersion,
    MarkingSuggestion,
    MarkingSuggestionEvent,
    Patient,
    Problem,
    ProblemVersion,
)
from palliare.patients.suggestions import engine, figures, rules
from palliare.patients.suggestions import services as suggestion_services

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
ICPC = "http://hl7.org/fhir/sid/icpc-1-nl"


def contact(patient: Patient, start: dt.date, cls: str = ContactClass.INPATIENT, **kw: Any):
    org = OrganizationFactory(type=OrganizationType.HOSPITAL)
    c = CareContact.objects.create(patient=patient, sender_organization=org, sender_name="ZIS")
    v = CareContactVersion.objects.create(
        contact=c,
        number=1,
        contact_class=cls,
        status=kw.get("status", ContactStatus.FINISHED),
        start_date=start,
        author_name="ZIS",
    )
    c.current_number, c.current_version = 1, v
    c.save()
    return c


def problem(patient: Patient, code: str, system: str = ICPC, **kw: Any) -> Problem:
    org = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    p = Problem.objects.create(patient=patient, sender_organization=org, sender_name="HIS")
    v = ProblemVersion.objects.create(
        problem=p,
        number=1,
        codes=[{"system": system, "code": code, "display": code}],
        clinical_status=kw.get("clinical_status", "active"),
        withdrawn=kw.get("withdrawn", False),
        author_name="HIS",
    )
    p.current_number, p.current_version = 1, v
    p.save()
    return p


def found(code: str, today: dt.date = TODAY) -> dict[int, rules.Finding]:
    rule = rules.get(code)
    assert rule is not None
    from palliare.patients import access

    return rule.find(access.suggestion_candidates(), today, rule.values())


def born_years_ago(years: int, today: dt.date = TODAY) -> dt.date:
    return today.replace(year=today.year - years)


# Rules at their boundaries ------------------------------------------------------------------


def test_hospital_use_counts_admissions_and_emergency_visits_in_the_window() -> None:
    patient = PatientFactory()
    since = rules.months_before(TODAY, 6)
    contact(patient, since)  # on the first day of the window: counts
    contact(patient, TODAY - dt.timedelta(20), ContactClass.EMERGENCY)
    finding = found("hospital_use")[patient.pk]
    assert finding.facts["admissions"] == 1 and finding.facts["emergency"] == 1
    assert len(finding.keys) == 2
    with translation.override("nl"):
        text = rules.describe("hospital_use", finding.facts)
    assert text.startswith("1 ziekenhuisopname en 1 SEH-bezoek in de afgelopen 6 maanden: ")
    assert "15 dec 2025" in text and "26 mei" in text


def test_hospital_use_boundaries() -> None:
    one_only = PatientFactory()
    contact(one_only, TODAY - dt.timedelta(5))
    outside = PatientFactory()
    contact(outside, rules.months_before(TODAY, 6) - dt.timedelta(1))
    contact(outside, TODAY - dt.timedelta(5))
    not_happened = PatientFactory()
    contact(not_happened, TODAY - dt.timedelta(5))
    contact(not_happened, TODAY - dt.timedelta(6), status=ContactStatus.CANCELLED)
    outpatient = PatientFactory()
    contact(outpatient, TODAY - dt.timedelta(5))
    contact(outpatient, TODAY - dt.timedelta(6), ContactClass.AMBULATORY)
    marked = PatientFactory(marked=True)
    contact(marked, TODAY - dt.timedelta(5))
    contact(marked, TODAY - dt.timedelta(6))
    assert found("hospital_use") == {}


def test_signals_from_two_different_professionals() -> None:
    now = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(10)))
    two = PatientFactory()
    SignalFactory(patient=two, sender_role=RoleCode.DISTRICT_NURSE, created_at=now)
    SignalFactory(patient=two, sender_role=RoleCode.PHARMACIST, created_at=now)
    same = PatientFactory()
    first = SignalFactory(patient=same, created_at=now)
    SignalFactory(patient=same, sender=first.sender, created_at=now)
    old = PatientFactory()
    SignalFactory(patient=old, created_at=now)
    SignalFactory(
        patient=old, created_at=rules.start_of(rules.months_before(TODAY, 3)) - dt.timedelta(1)
    )
    result = found("several_signallers")
    assert set(result) == {two.pk}
    with translation.override("nl"):
        text = rules.describe("several_signallers", result[two.pk].facts)
    assert "Signalen van 2 verschillende zorgverleners" in text
    assert "Apotheker" in text


def test_age_with_a_diagnosis_group_at_the_age_threshold() -> None:
    eighty = PatientFactory(date_of_birth=born_years_ago(80))
    problem(eighty, "K77")
    almost = PatientFactory(date_of_birth=born_years_ago(80) + dt.timedelta(1))
    problem(almost, "K77")
    other_code = PatientFactory(date_of_birth=born_years_ago(90))
    problem(other_code, "T90")  # diabetes: not a group of the rule
    resolved = PatientFactory(date_of_birth=born_years_ago(90))
    problem(resolved, "C34", "http://hl7.org/fhir/sid/icd-10", clinical_status="resolved")
    withdrawn = PatientFactory(date_of_birth=born_years_ago(90))
    problem(withdrawn, "P70", withdrawn=True)
    result = found("age_diagnosis")
    assert set(result) == {eighty.pk}
    facts = result[eighty.pk].facts
    assert facts["age"] == 80 and facts["conditions"][0]["condition"] == "heart_failure"
    with translation.override("nl"):
        assert "hartfalen (ICPC K77; groep: orgaanfalen)" in rules.describe("age_diagnosis", facts)


def test_consultation_for_an_unmarked_patient() -> None:
    now = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(10)))
    unmarked = PatientFactory()
    ConsultationRequestFactory(patient=unmarked, created_at=now - dt.timedelta(days=10))
    old = PatientFactory()
    ConsultationRequestFactory(
        patient=old, created_at=rules.start_of(rules.months_before(TODAY, 6)) - dt.timedelta(1)
    )
    marked = PatientFactory(marked=True)
    ConsultationRequestFactory(patient=marked, created_at=now)
    assert set(found("consultation_unmarked")) == {unmarked.pk}


def test_thresholds_come_from_the_settings(settings: Any) -> None:
    patient = PatientFactory()
    contact(patient, TODAY - dt.timedelta(5))
    assert found("hospital_use") == {}
    before = rules.config_version()
    settings.MARKING_SUGGESTIONS = {"hospital_use": {"min_contacts": 1}}
    assert set(found("hospital_use")) == {patient.pk}
    assert rules.config_version() != before


# The recomputation --------------------------------------------------------------------------


def admitted_twice(**kw: Any) -> Patient:
    patient = PatientFactory(**kw)
    contact(patient, timezone.localdate() - dt.timedelta(30))
    contact(patient, timezone.localdate() - dt.timedelta(10), ContactClass.EMERGENCY)
    return patient


def test_recompute_is_idempotent() -> None:
    patient = admitted_twice()
    first = engine.recompute()
    assert first.counts == {"suggested": 1}
    events = MarkingSuggestionEvent.objects.count()
    second = engine.recompute()
    assert second.counts == {}
    assert MarkingSuggestionEvent.objects.count() == events
    suggestion = MarkingSuggestion.objects.get(patient=patient)
    assert suggestion.status == SuggestionStatus.OPEN
    assert suggestion.rule_codes == ["hospital_use"]


def test_a_dismissed_suggestion_comes_back_only_with_new_evidence(gp: Actor) -> None:
    patient = admitted_twice(gp_practice=gp.organization)
    engine.recompute()
    suggestion_services.dismiss(gp, patient, reason="not_palliative")
    engine.recompute()
    assert MarkingSuggestion.objects.get(patient=patient).status == SuggestionStatus.DISMISSED
    contact(patient, timezone.localdate() - dt.timedelta(2))
    result = engine.recompute()
    assert result.counts == {"reopened": 1}
    suggestion = MarkingSuggestion.objects.get(patient=patient)
    assert suggestion.status == SuggestionStatus.OPEN
    kinds = list(suggestion.events.values_list("kind", flat=True))
    assert kinds == ["suggested", "dismissed", "reopened"]


def test_an_open_suggestion_lapses_when_the_evidence_leaves_the_window() -> None:
    patient = admitted_twice()
    engine.recompute()
    engine.recompute(today=timezone.localdate() + dt.timedelta(days=200))
    assert MarkingSuggestion.objects.get(patient=patient).status == SuggestionStatus.LAPSED


def _queries_for(n: int) -> int:
    for _ in range(n):
        admitted_twice()
    with CaptureQueriesContext(connection) as first:
        engine.recompute()
    assert MarkingSuggestion.objects.filter(status="open").count() >= n
    return len(first.captured_queries)


def test_recompute_queries_do_not_grow_with_the_number_of_patients() -> None:
    few = _queries_for(2)
    MarkingSuggestionEvent.objects.all()  # the events stay; more patients next
    many = _queries_for(15)
    assert many == few
    assert few <= 12


def test_the_command_recomputes(capsys: Any) -> None:
    admitted_twice()
    call_command("recompute_marking_suggestions")
    assert "suggested: 1" in capsys.readouterr().out
    call_command("recompute_marking_suggestions")
    assert "no changes" in capsys.readouterr().out


def test_a_signal_recomputes_the_patient_after_commit(
    gp: Actor, make_actor: Callable[..., Actor], django_capture_on_commit_callbacks: Any
) -> None:
    patient = PatientFactory(gp_practice=gp.organization)
    SignalFactory(patient=patient)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_signal(
            gp,
            patient,
            dimension="physical",
            observation="Valt vaker.",
            suggestion="consider_marking",
        )
    suggestion = MarkingSuggestion.objects.get(patient=patient)
    assert suggestion.rule_codes == ["several_signallers"]


# Pages: access, audit, dismissing --------------------------------------------------------------


@pytest.fixture
def two_practices(gp: Actor, make_actor: Callable[..., Actor]) -> dict[str, Any]:
    own = admitted_twice(gp_practice=gp.organization)
    other_gp = make_actor(RoleCode.GP, type=OrganizationType.GP_PRACTICE)
    other = admitted_twice(gp_practice=other_gp.organization)
    engine.recompute()
    return {"own": own, "other": other, "other_gp": other_gp}


def test_a_gp_sees_only_own_patients_with_why_and_the_list_is_logged(
    gp: Actor, client_for: Callable[[Actor], Any], two_practices: dict[str, Any]
) -> None:
    response = client_for(gp).get("/patients/suggestions/")
    assert response.status_code == 200
    html = response.content.decode()
    own, other = two_practices["own"], two_practices["other"]
    assert own.full_name in html and other.full_name not in html
    assert "Herhaalde ziekenhuisopnames of SEH-bezoeken" in html
    assert "1 ziekenhuisopname en 1 SEH-bezoek" in html
    assert f"/patients/{own.pk}/mark/?from=suggestion" in html
    event = AuditEvent.objects.get(event_type="patients.marking_suggestions_viewed")
    assert AuditEvent.objects.for_patient(own.pk).filter(pk=event.pk).exists()
    assert not AuditEvent.objects.for_patient(other.pk).filter(pk=event.pk).exists()
    suggestion = MarkingSuggestion.objects.get(patient=own)
    assert suggestion.shown_at is not None
    assert MarkingSuggestion.objects.get(patient=other).shown_at is None


def test_another_practice_gets_404_for_a_suggestion(
    client_for: Callable[[Actor], Any], two_practices: dict[str, Any], gp: Actor
) -> None:
    own = two_practices["own"]
    response = client_for(two_practices["other_gp"]).post(
        f"/patients/{own.pk}/suggestion/dismiss/", {"reason": "not_palliative"}
    )
    assert response.status_code == 404
    assert MarkingSuggestion.objects.get(patient=own).status == SuggestionStatus.OPEN
    assert AuditEvent.objects.filter(event_type="patient.access_denied", patient_id=own.pk).exists()


def test_dismiss_without_a_reason_is_a_form_error(
    gp: Actor, client_for: Callable[[Actor], Any], two_practices: dict[str, Any]
) -> None:
    own = two_practices["own"]
    client = client_for(gp)
    response = client.post(f"/patients/{own.pk}/suggestion/dismiss/", {"reason": ""})
    assert response.status_code == 200
    assert "Kies waarom u deze suggestie afwijst." in response.content.decode()
    response = client.post(f"/patients/{own.pk}/suggestion/dismiss/", {"reason": "other"})
    assert "Licht de andere reden toe." in response.content.decode()
    assert MarkingSuggestion.objects.get(patient=own).status == SuggestionStatus.OPEN
    response = client.post(
        f"/patients/{own.pk}/suggestion/dismiss/",
        {"reason": "other", "explanation": "Besproken in PaTz: nog niet."},
    )
    assert response.status_code == 302
    suggestion = MarkingSuggestion.objects.get(patient=own)
    assert suggestion.status == SuggestionStatus.DISMISSED
    dismissal = suggestion.events.get(kind=SuggestionEventKind.DISMISSED)
    assert dismissal.reason == "other" and dismissal.by_id == gp.user.pk
    assert dismissal.reason_text == "Besproken in PaTz: nog niet."
    assert AuditEvent.objects.filter(
        event_type="marking_suggestion.dismissed", patient_id=own.pk
    ).exists()


def test_mark_from_a_suggestion_is_prefilled_and_counts_as_led_to_marking(
    gp: Actor, client_for: Callable[[Actor], Any], two_practices: dict[str, Any]
) -> None:
    own = two_practices["own"]
    client = client_for(gp)
    client.get("/patients/suggestions/")  # shown
    response = client.get(f"/patients/{own.pk}/mark/?from=suggestion")
    html = response.content.decode()
    assert "Gemarkeerd na een suggestie uit gegevens" in html
    assert 'value="unplanned_admissions" checked' in html or (
        'value="unplanned_admissions"' in html and "checked" in html
    )
    services.mark_patient(gp, Patient.objects.get(pk=own.pk), data=marking_data())
    suggestion = MarkingSuggestion.objects.get(patient=own)
    assert suggestion.status == SuggestionStatus.LED_TO_MARKING
    engine.recompute()
    assert MarkingSuggestion.objects.get(patient=own).status == SuggestionStatus.LED_TO_MARKING


def test_a_marking_before_the_suggestion_was_shown_does_not_count(
    gp: Actor, two_practices: dict[str, Any]
) -> None:
    own = two_practices["own"]
    services.mark_patient(gp, own, data=marking_data())
    assert MarkingSuggestion.objects.get(patient=own).status == SuggestionStatus.LAPSED


def test_marked_elsewhere_is_settled_by_the_recompute(
    gp: Actor, client_for: Callable[[Actor], Any], two_practices: dict[str, Any]
) -> None:
    own = two_practices["own"]
    client_for(gp).get("/patients/suggestions/")
    # Marked without the service (e.g. a synthetic load): the nightly run settles it.
    from palliare.patients.factories import MarkingFactory

    MarkingFactory(patient=own)
    Patient.objects.filter(pk=own.pk).update(marked_since=timezone.localdate())
    assert engine.recompute().counts == {"led_to_marking": 1}


def test_the_rules_page_is_for_report_readers(
    gp: Actor, make_actor: Callable[..., Actor], client_for: Callable[[Actor], Any]
) -> None:
    assert client_for(gp).get("/patients/suggestions/rules/").status_code == 403
    coordinator = make_actor(RoleCode.NETWORK_COORDINATOR)
    response = client_for(coordinator).get("/patients/suggestions/rules/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "hospital_use" in html and "consultation_unmarked" in html
    assert rules.config_version() in html


# The measurement, with small numbers suppressed ---------------------------------------------


def _outcomes(shown: int, led: int) -> None:
    now = timezone.now()
    for i in range(shown):
        MarkingSuggestion.objects.create(
            patient=PatientFactory(),
            rule_codes=["hospital_use"],
            rules_version="t",
            shown_at=now,
            status=SuggestionStatus.LED_TO_MARKING if i < led else SuggestionStatus.OPEN,
        )
    MarkingSuggestion.objects.create(
        patient=PatientFactory(), rule_codes=["hospital_use"], rules_version="t"
    )  # never shown: not in the denominator


def test_small_counts_are_suppressed() -> None:
    _outcomes(shown=3, led=1)
    row = figures.outcomes()[0]
    assert (row.shown, row.led, row.share, row.share_suppressed) == ("<5", "<5", "—", True)


def test_shares_need_ten_shown_and_an_unmasked_numerator() -> None:
    _outcomes(shown=12, led=6)
    hospital = figures.outcomes()[0]
    assert (hospital.shown, hospital.led, hospital.share_suppressed) == ("12", "6", False)
    assert hospital.share.startswith("50")
    assert figures.share_text(3, 12) == ("—", True)
    assert figures.share_text(5, 9) == ("—", True)


def test_the_start_page_section_lists_own_suggestions_with_why(
    gp: Actor, two_practices: dict[str, Any]
) -> None:
    from palliare.patients.worklist import consider_marking_section as marking_suggestions

    with translation.override("nl"):
        section = marking_suggestions(gp)
    assert section is not None and section.count == 1
    (item,) = section.context["items"]
    assert item["patient"] == two_practices["own"]
    assert item["why"] == "Herhaalde ziekenhuisopnames of SEH-bezoeken"
    assert MarkingSuggestion.objects.get(patient=two_practices["own"]).shown_at is not None
    assert AuditEvent.objects.filter(event_type="patients.worklist_viewed").exists()
    nurse = two_practices["other_gp"]
    assert marking_suggestions(nurse) is not None  # the other practice sees only its own
    assert marking_suggestions(nurse).count == 1  # type: ignore[union-attr]


def test_the_demo_region_has_suggestions_on_first_start() -> None:
    import random

    from palliare.organizations import demo as directory_demo
    from palliare.organizations.factories import PostcodeAreaFactory
    from palliare.patients import demo as register_demo

    for spec in directory_demo.ORGANIZATIONS:
        PostcodeAreaFactory(pc4=spec.postcode[:4])
    directory_demo.load(random.Random(1))
    register_demo.load(random.Random(1))
    assert "suggested" in register_demo.load_suggestions(random.Random(1))
    bakker = MarkingSuggestion.objects.get(patient__bsn=register_demo.demo_bsn(6))
    assert bakker.rule_codes == ["hospital_use", "age_diagnosis"]
    kuipers = MarkingSuggestion.objects.get(patient__bsn=register_demo.demo_bsn(4))
    assert kuipers.rule_codes == ["several_signallers"]
    assert "no changes" in register_demo.load_suggestions(random.Random(1))


def test_the_consider_marking_list_now_holds_suggested_patients(
    gp: Actor, client_for: Callable[[Actor], Any], two_practices: dict[str, Any]
) -> None:
    own = two_practices["own"]
    assert list(Patient.objects.filter(gp_practice=gp.organization).consider_marking()) == [own]
    html = client_for(gp).get("/patients/?view=consider").content.decode()
    assert own.sort_name in html
    assert "Herhaalde ziekenhuisopnames of SEH-bezoeken" in html
    suggestion_services.dismiss(gp, own, reason="already_discussed")
    assert not Patient.objects.filter(gp_practice=gp.organization).consider_marking().exists()


def test_a_failing_recompute_does_not_break_the_event(
    gp: Actor, monkeypatch: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    patient = PatientFactory(gp_practice=gp.organization)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "recompute", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_signal(
            gp, patient, dimension="physical", observation="Valt.", suggestion="other"
        )
    assert patient.signals.count() == 1
    assert "Recomputing the marking suggestion" in caplog.text
