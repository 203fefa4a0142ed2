"""Pages of consultation requests: asking (bad input → form errors), the detail page with the
actions each party may take, the team inbox most urgent first, "my requests", the start-page
sections, and bounded query counts at two data sizes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.consultations import services
from palliare.consultations.constants import ConsultationStatus, Urgency
from palliare.consultations.factories import (
    ConsultationAdviceFactory,
    ConsultationRequestFactory,
    ConsultationTeamFactory,
    WeeklySlotFactory,
)
from palliare.consultations.models import ConsultationRequest
from palliare.organizations.factories import OrganizationFactory, SubregionFactory

pytestmark = pytest.mark.django_db

NEW = reverse("consultations:requests:new")
MINE = reverse("consultations:requests:mine")
INBOX = reverse("consultations:inbox:list")
HOME = reverse("ui:home")


@pytest.fixture
def setup(make_actor, client_for):
    subregion = SubregionFactory()
    team = ConsultationTeamFactory(subregion=subregion)
    WeeklySlotFactory(subregion=subregion, team=team, always=True)
    gp = make_actor(RoleCode.GP, organization=OrganizationFactory(subregion=subregion))
    specialist = make_actor(RoleCode.PALLIATIVE_SPECIALIST, organization=team)
    return {
        "subregion": subregion,
        "team": team,
        "gp": gp,
        "specialist": specialist,
        "gp_client": client_for(gp),
        "specialist_client": client_for(specialist),
    }


def _post(where, **changes):
    data = {
        "subregion": where.pk,
        "urgency": "within_hour",
        "dimension": "psychological",
        "age_group": "85+",
        "diagnosis_group": "dementia",
        "question": "Onrust in de avond; advies?",
        "callback_phone": "0592 123 456",
    }
    data.update(changes)
    return data


def _detail(pk):
    return reverse("consultations:requests:detail", args=[pk])


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_ask_for_a_consultation(setup):
    client = setup["gp_client"]
    page = client.get(NEW)
    assert page.context["form"].initial["subregion"] == setup["subregion"].pk
    response = client.post(NEW, _post(setup["subregion"]))
    request = ConsultationRequest.objects.get()
    assert response.url == _detail(request.pk)
    html = client.get(response.url).content.decode()
    assert setup["team"].name in html
    assert "Onrust in de avond; advies?" in html
    assert "nu dienst heeft" in html  # the confirmation message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"question": "   "}, "question"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"dimension": ""}, "dimension"),
        ({"age_group": ""}, "age_group"),
        ({"subregion": "999999"}, "subregion"),
        ({"callback_phone": "bel me"}, "callback_phone"),
        ({"question": "x" * 4001}, "question"),
    ],
)
def test_bad_request_input_gives_form_errors(setup, changes, field):
    response = setup["gp_client"].post(NEW, _post(setup["subregion"], **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ConsultationRequest.objects.count() == 0


def test_nobody_on_duty_is_a_clear_message(setup):
    empty = SubregionFactory()
    response = setup["gp_client"].post(NEW, _post(empty))
    assert response.status_code == 200
    assert "geen consultatieteam dienst" in response.content.decode()
    assert ConsultationRequest.objects.count() == 0


def test_detail_is_404_for_others(setup, make_actor, client_for):
    request = ConsultationRequestFactory(team=setup["team"], requested_by=setup["gp"].user)
    other_gp = client_for(make_actor(RoleCode.GP))
    other_team = client_for(
        make_actor(RoleCode.PALLIATIVE_SPECIALIST, organization=ConsultationTeamFactory())
    )
    assert other_gp.get(_detail(request.pk)).status_code == 404
    assert other_team.get(_detail(request.pk)).status_code == 404
    assert setup["gp_client"].get(_detail(request.pk)).status_code == 200
    assert setup["specialist_client"].get(_detail(request.pk)).status_code == 200
    assert (
        other_team.post(reverse("consultations:requests:accept", args=[request.pk])).status_code
        == 404
    )


def test_team_accepts_advises_and_requester_closes(setup):
    request = ConsultationRequestFactory(team=setup["team"], requested_by=setup["gp"].user)
    specialist = setup["specialist_client"]
    html = specialist.get(_detail(request.pk)).content.decode()
    assert "Aannemen" in html
    specialist.post(reverse("consultations:requests:accept", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == ConsultationStatus.ACCEPTED
    # Accepting twice is a message, not an error page.
    response = specialist.post(
        reverse("consultations:requests:accept", args=[request.pk]), follow=True
    )
    assert "al aangenomen" in response.content.decode()
    advise = reverse("consultations:requests:advise", args=[request.pk])
    empty = specialist.post(advise, {"text": "  ", "based_on_version": "0"})
    assert empty.status_code == 400
    assert "text" in empty.context["advice_form"].errors
    specialist.post(advise, {"text": "Eerste advies", "based_on_version": "0"})
    stale = specialist.post(advise, {"text": "Tweede advies", "based_on_version": "0"})
    assert stale.status_code == 400
    assert "versie 1" in stale.content.decode()
    assert stale.context["advice_form"]["based_on_version"].value() == "1"
    specialist.post(advise, {"text": "Tweede advies", "based_on_version": "1"})
    gp_html = setup["gp_client"].get(_detail(request.pk)).content.decode()
    assert "Tweede advies" in gp_html
    assert "Eerdere versies" in gp_html and "Eerste advies" in gp_html
    setup["gp_client"].post(reverse("consultations:requests:close", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == ConsultationStatus.CLOSED


def test_requester_cannot_answer(setup):
    request = ConsultationRequestFactory(team=setup["team"], requested_by=setup["gp"].user)
    response = setup["gp_client"].post(
        reverse("consultations:requests:advise", args=[request.pk]),
        {"text": "Zelf bedacht", "based_on_version": "0"},
    )
    assert response.status_code == 403
    assert request.advice_versions.count() == 0


def test_post_only_actions_refuse_get(setup):
    request = ConsultationRequestFactory(team=setup["team"], requested_by=setup["gp"].user)
    url = reverse("consultations:requests:close", args=[request.pk])
    assert setup["gp_client"].get(url).status_code == 405


def test_inbox_most_urgent_first(setup):
    week = ConsultationRequestFactory(team=setup["team"], urgency=Urgency.THIS_WEEK)
    hour = ConsultationRequestFactory(team=setup["team"], urgency=Urgency.WITHIN_HOUR)
    ConsultationRequestFactory(urgency=Urgency.WITHIN_HOUR)  # another team's
    page = setup["specialist_client"].get(INBOX)
    assert [r.pk for r in page.context["page"].object_list] == [hour.pk, week.pk]
    assert page.context["counts"]["open"] == 2
    closed = setup["specialist_client"].get(INBOX, {"status": "closed"})
    assert list(closed.context["page"].object_list) == []


def test_inbox_and_my_requests_query_counts(setup):
    for _ in range(2):
        ConsultationRequestFactory(team=setup["team"], requested_by=setup["gp"].user)
    small_inbox = _queries(setup["specialist_client"], INBOX)
    small_mine = _queries(setup["gp_client"], MINE)
    for _ in range(20):
        request = ConsultationRequestFactory(team=setup["team"], requested_by=setup["gp"].user)
        ConsultationAdviceFactory(request=request)
    assert _queries(setup["specialist_client"], INBOX) == small_inbox
    assert _queries(setup["gp_client"], MINE) == small_mine


def test_start_page_sections(setup, make_actor, client_for, django_capture_on_commit_callbacks):
    gp_client, specialist_client = setup["gp_client"], setup["specialist_client"]
    home = gp_client.get(HOME).content.decode()
    assert 'data-section="who_to_call"' in home
    assert 'data-section="my_consultations"' not in home  # nothing asked yet
    request = services.request_consultation(
        actor=setup["gp"],
        subregion=setup["subregion"],
        urgency=Urgency.TODAY,
        dimension="social",
        question="Vraag",
        age_group="65-74",
        diagnosis_group="copd",
    )
    inbox = specialist_client.get(HOME).content.decode()
    assert 'data-section="consultation_inbox"' in inbox
    assert request.reference in inbox
    services.record_advice(request, actor=setup["specialist"], text="Advies")
    home = gp_client.get(HOME).content.decode()
    assert 'data-section="my_consultations"' in home
    assert request.reference in home
    coordinator = client_for(make_actor(RoleCode.NETWORK_COORDINATOR, subregion=None))
    assert 'data-section="rota_coverage"' in coordinator.get(HOME).content.decode()


def test_start_page_query_count_does_not_grow(setup):
    for _ in range(2):
        ConsultationRequestFactory(team=setup["team"], requested_by=setup["gp"].user)
    small_specialist = _queries(setup["specialist_client"], HOME)
    small_gp = _queries(setup["gp_client"], HOME)
    for _ in range(15):
        ConsultationRequestFactory(team=setup["team"], requested_by=setup["gp"].user)
        ConsultationRequestFactory(
            team=setup["team"], requested_by=setup["gp"].user, status=ConsultationStatus.ADVISED
        )
    assert _queries(setup["specialist_client"], HOME) == small_specialist
    assert _queries(setup["gp_client"], HOME) == small_gp


@pytest.mark.parametrize(
    "patient",
    ["%C2%B2", "99999999999999999999999", "0", "-1", "abc"],  # "²": isdigit() but not a number
)
def test_bad_patient_in_query_string_is_not_found(setup, patient):
    client = setup["gp_client"]
    client.raise_request_exception = False
    response = client.get(f"{NEW}?patient={patient}")
    assert response.status_code == 404
