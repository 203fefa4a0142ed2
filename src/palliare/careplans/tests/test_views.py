"""Care-plan pages: the GP records a plan through the form (a new version on each save), bad
input is shown on the form with nothing lost (a tampered "based on" version too, never a 500),
a concurrent save lands on the kept-draft page with both changes shown, earlier versions and
"what changed" are readable, the printed PDF carries the limits and "versie N", the worklist
and patient panel show plans due for review, and the list page's query count does not grow
with the number of patients."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.careplans.factories import CarePlanFactory, acp_content
from palliare.careplans.forms import PlanEditor
from palliare.careplans.models import CarePlan, CarePlanDraft
from palliare.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db


def form_data(content, based_on, **changes):
    """The POST data a browser would send for ``content``."""
    editor = PlanEditor.build(content=content, based_on=based_on)
    data = {}
    for form in [editor.form] + [f for fs in editor.formsets for f in fs.forms]:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = value.isoformat() if hasattr(value, "isoformat") else value
    for fs in editor.formsets:
        for field in fs.management_form:
            data[field.html_name] = field.value()
    data.update(changes)
    return data


@pytest.fixture
def patient(practice):
    return PatientFactory(gp_practice=practice, marked=True)


def test_gp_records_plan_and_edits_into_version_two(gp, patient, client_for):
    client = client_for(gp)
    url = reverse("careplans:edit", args=[patient.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(acp_content(), 0))
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = CarePlan.objects.get(patient=patient)
    assert plan.current_number == 1
    page = client.get(reverse("careplans:plan", args=[patient.pk]))
    assert "Versie 1" in page.content.decode()
    response = client.post(
        url, form_data(plan.current_version.content, 1, **{"wishes__place_of_death": "284546000"})
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.current_number == 2
    compare = client.get(reverse("careplans:compare", args=[patient.pk]) + "?a=1&b=2")
    assert "Hospice" in compare.content.decode() or "hospice" in compare.content.decode()
    old = client.get(reverse("careplans:version", args=[patient.pk, 1]))
    assert old.status_code == 200


def test_limit_without_decision_is_shown_and_input_kept(gp, patient, client_for):
    client = client_for(gp)
    data = form_data(acp_content(), 0)
    data.pop("limit_89666000_decision")
    data["wishes__care_wishes"] = "Mijn bijzondere wens"
    response = client.post(reverse("careplans:edit", args=[patient.pk]), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kies een besluit voor reanimatie" in text
    assert "Mijn bijzondere wens" in text
    assert not CarePlan.objects.filter(patient=patient, current_number__gt=0).exists()


def test_representative_without_name_and_future_conversation(gp, patient, client_for):
    data = form_data(acp_content(), 0)
    data["contacts-1-role"] = "24"
    data["contacts-1-phone"] = "0612345678"
    data["conversations-0-date"] = (timezone.localdate() + dt.timedelta(3)).isoformat()
    response = client_for(gp).post(reverse("careplans:edit", args=[patient.pk]), data)
    text = response.content.decode()
    assert "Vul de naam van de wettelijk vertegenwoordiger in" in text
    assert "kan niet in de toekomst liggen" in text


def test_concurrent_save_keeps_draft_and_shows_both(gp, make_actor, practice, patient, client_for):
    poh = make_actor(RoleCode.PRACTICE_NURSE, organization=practice)
    plan = CarePlanFactory(patient=patient)
    base = plan.current_version.content
    first = client_for(poh).post(
        reverse("careplans:edit", args=[patient.pk]),
        form_data(base, 1, **{"goal__note": "Change by the nurse"}),
    )
    assert first.status_code == 302
    second = client_for(gp).post(
        reverse("careplans:edit", args=[patient.pk]),
        form_data(base, 1, **{"wishes__care_wishes": "Change by the GP"}),
    )
    draft = CarePlanDraft.objects.get()
    assert second["Location"] == reverse("careplans:draft", args=[patient.pk, draft.pk])
    page = client_for(gp).get(second["Location"]).content.decode()
    assert "Change by the nurse" in page and "Change by the GP" in page
    reapply = client_for(gp).get(
        reverse("careplans:edit", args=[patient.pk]) + f"?draft={draft.pk}"
    )
    assert "Change by the GP" in reapply.content.decode()


@pytest.mark.parametrize(
    ("has_plan", "based_on"),
    [
        (True, "99999999999999999999"),  # beyond any database integer
        (False, "99999999999999999999"),
        (False, "1"),  # a version of a plan that does not exist
        (True, "2"),  # a version not saved yet
        (True, "-1"),
        (True, "een"),
    ],
)
def test_tampered_based_on_is_a_form_error(gp, patient, client_for, has_plan, based_on):
    if has_plan:
        CarePlanFactory(patient=patient)
    client = client_for(gp)
    client.raise_request_exception = False
    data = form_data(acp_content(), 1 if has_plan else 0, **{"goal__note": "Mijn wijziging"})
    data["based_on"] = based_on
    response = client.post(reverse("careplans:edit", args=[patient.pk]), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "hoort niet bij een opgeslagen versie van het zorgplan" in text
    assert "Mijn wijziging" in text  # the input is still on the form
    assert not CarePlanDraft.objects.exists()
    assert CarePlan.objects.filter(patient=patient).count() == (1 if has_plan else 0)
    if has_plan:
        assert CarePlan.objects.get(patient=patient).current_number == 1


def test_print_pdf_has_limits_and_version(gp, patient, client_for):
    from pypdf import PdfReader

    CarePlanFactory(patient=patient)
    response = client_for(gp).get(reverse("careplans:print", args=[patient.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "versie 1" in text
    assert "Reanimatie" in text and "NIET" in text.upper()


def test_worklist_and_panel_show_review_due(gp, patient, client_for):
    CarePlanFactory(patient=patient, due=True)
    client = client_for(gp)
    home = client.get(reverse("ui:home")).content.decode()
    assert 'data-section="careplans_review_due"' in home
    # The section names the patient: one list event names every patient it showed.
    event = AuditEvent.objects.get(event_type="careplans.worklist_viewed")
    assert event.patient_ids == f",{patient.pk}," and event.purpose == "treatment"
    detail = client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert 'data-testid="plan-panel-version"' in detail


def test_plan_pages_need_access(make_actor, patient, client_for):
    other = make_actor(RoleCode.GP)
    CarePlanFactory(patient=patient)
    client = client_for(other)
    for name in ("careplans:plan", "careplans:edit", "careplans:print"):
        assert client.get(reverse(name, args=[patient.pk])).status_code == 404


def test_list_query_count_is_flat(gp, practice, client_for):
    client = client_for(gp)
    url = reverse("careplans:list")
    for _ in range(2):
        CarePlanFactory(patient=PatientFactory(gp_practice=practice, marked=True))
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(6):
        CarePlanFactory(patient=PatientFactory(gp_practice=practice, marked=True))
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)


@pytest.mark.parametrize(
    ("name", "query", "status"),
    [
        ("careplans:compare", "?a=%C2%B2", 200),  # "²": isdigit() but not a number
        ("careplans:compare", "?b=%C2%B2&a=1", 200),
        ("careplans:compare", "?a=99999999999999999999999", 404),  # no such version
        ("careplans:compare", "?b=2", 404),
        ("careplans:compare", "?a=0", 404),
        ("careplans:print", "?version=%C2%B2", 200),
        ("careplans:print", "?version=99999999999999999999999", 404),
        ("careplans:edit", "?draft=%C2%B2", 200),
        ("careplans:edit", "?draft=99999999999999999999999", 200),
    ],
)
def test_bad_query_input_never_crashes(gp, patient, client_for, name, query, status):
    CarePlanFactory(patient=patient)
    client = client_for(gp)
    client.raise_request_exception = False
    response = client.get(reverse(name, args=[patient.pk]) + query)
    assert response.status_code == status
