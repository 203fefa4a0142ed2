"""The meeting pages from the coordinator's side: planning, preparing and reordering the agenda
(also with htmx), minutes with a concurrent-edit warning, actions, core teams. Bad input shows
form errors, never a 500. The agenda page and the meeting list issue the same number of queries
with few and with many patients and meetings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from palliare.meetings import services
from palliare.meetings.factories import ActionItemFactory, AgendaItemFactory, MeetingFactory
from palliare.meetings.models import ActionItem, AgendaItem, CoreTeam, Meeting, MinutesVersion
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import (
    CareTeamMemberFactory,
    ConsentFactory,
    PatientFactory,
    SignalFactory,
)

from .conftest import at

pytestmark = pytest.mark.django_db


def test_plan_prepare_and_open_a_meeting(world, client_for):
    PatientFactory(gp_practice=world.practice, urgency="red", family_name="Roodhart")
    client = client_for(world.coordinator)
    page = client.get(reverse("meetings:list"))
    assert page.status_code == 200
    form = client.get(reverse("meetings:create") + f"?team={world.team.pk}")
    assert form.status_code == 200
    start = timezone.localtime() + dt.timedelta(days=5)
    response = client.post(
        reverse("meetings:create"),
        {
            "team": world.team.pk,
            "kind": "patz",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "location": "Praktijk",
            "online_url": "",
            "note": "",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "meetings:detail", args=[meeting.pk]
    )
    assert client.post(reverse("meetings:prepare", args=[meeting.pk])).status_code == 302
    detail = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert "Roodhart" in detail.content.decode()
    assert "urgency--red" in detail.content.decode()


def test_bad_meeting_input_gives_form_errors(world, client_for):
    client = client_for(world.coordinator)
    url = reverse("meetings:create")
    for data in (
        {
            "team": world.team.pk,
            "kind": "patz",
            "starts_at": "gisteren",
            "duration_minutes": 60,
            "location": "x",
        },
        {
            "team": world.team.pk,
            "kind": "patz",
            "starts_at": "2030-01-01T10:00",
            "duration_minutes": 5000,
            "location": "x",
        },
        {
            "team": world.team.pk,
            "kind": "patz",
            "starts_at": "2030-01-01T10:00",
            "duration_minutes": 60,
        },
        {
            "team": world.team.pk,
            "kind": "zzz",
            "starts_at": "2030-01-01T10:00",
            "duration_minutes": 60,
            "location": "x",
        },
        {
            "team": world.team.pk,
            "kind": "patz",
            "starts_at": "2030-01-01T10:00",
            "duration_minutes": 60,
            "online_url": "geen url",
        },
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert b"form-errors" in response.content or b"errorlist" in response.content
    assert not Meeting.objects.exists()
    assert client.get(url + "?team=abc").status_code == 200
    assert client.get(url + "?team=999999").status_code == 404


def test_agenda_moves_with_htmx_return_the_partial(world, client_for):
    a = PatientFactory(gp_practice=world.practice, urgency="red", family_name="Akkerwinde")
    b = PatientFactory(gp_practice=world.practice, urgency="red", family_name="Berkenblad")
    meeting = services.plan_meeting(world.coordinator, world.team, starts_at=at(7))
    services.prepare_agenda(world.coordinator, meeting)
    item_b = AgendaItem.objects.get(meeting=meeting, patient=b)
    client = client_for(world.coordinator)
    url = reverse("meetings:agenda_move", args=[meeting.pk, item_b.pk])
    response = client.post(url, {"direction": "up"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<section") and "<html" not in html
    assert html.index("Berkenblad") < html.index("Akkerwinde")
    removed = client.post(
        reverse("meetings:agenda_remove", args=[meeting.pk, item_b.pk]), HTTP_HX_REQUEST="true"
    )
    assert "Berkenblad" not in removed.content.decode()
    assert client.post(url, {"direction": "down"}).status_code == 302
    assert a.pk  # still there


def test_add_patient_by_search(world, client_for):
    patient = PatientFactory(gp_practice=world.practice, family_name="Zoekbaar")
    PatientFactory(gp_practice=world.other_practice, family_name="Zoekbaar")
    meeting = services.plan_meeting(world.coordinator, world.team, starts_at=at(7))
    client = client_for(world.coordinator)
    url = reverse("meetings:agenda_add", args=[meeting.pk])
    found = client.get(url, {"q": "zoek"})
    assert found.content.decode().count('name="patient"') == 1
    response = client.post(url + "?q=zoek", {"patient": patient.pk, "section": "other"})
    assert response.status_code == 302
    assert AgendaItem.objects.filter(meeting=meeting, patient=patient, is_manual=True).exists()
    again = client.post(url + "?q=zoek", {"patient": patient.pk, "section": "other"})
    assert again.status_code == 200 and b"form-errors" in again.content
    assert client.post(url, {"patient": "999999", "section": "other"}).status_code == 404
    assert client.post(url, {"patient": "x", "section": "other"}).status_code == 200


def test_minutes_form_warns_on_concurrent_save(world, client_for):
    patient = PatientFactory(gp_practice=world.practice, marked=True)
    item = AgendaItemFactory(
        meeting=MeetingFactory(core_team=world.team, prepared=True), patient=patient
    )
    url = reverse("meetings:item", args=[item.meeting_id, item.pk])
    client = client_for(world.coordinator)
    assert client.get(url).status_code == 200
    first = client.post(url, {"save_minutes": "1", "version": "0", "physical": "Pijn"})
    assert first.status_code == 302
    # A second writer who opened version 0 saves: refused, her text kept, the other shown.
    second = client_for(world.gp).post(
        url, {"save_minutes": "1", "version": "0", "physical": "Benauwd"}
    )
    assert second.status_code == 200
    html = second.content.decode()
    assert 'data-testid="minutes-conflict"' in html
    assert "Benauwd" in html and "Pijn" in html
    assert MinutesVersion.objects.filter(agenda_item=item).count() == 1
    # Saving again from the version shown adds version 2.
    third = client_for(world.gp).post(
        url, {"save_minutes": "1", "version": "1", "physical": "Benauwd"}
    )
    assert third.status_code == 302
    assert list(
        MinutesVersion.objects.filter(agenda_item=item).values_list("version", flat=True)
    ) == [2, 1]


def test_after_death_fields_for_deceased(world, client_for):
    patient = PatientFactory(gp_practice=world.practice, deceased=True)
    item = AgendaItemFactory(
        meeting=MeetingFactory(core_team=world.team, prepared=True),
        patient=patient,
        section="deceased",
    )
    url = reverse("meetings:item", args=[item.meeting_id, item.pk])
    client = client_for(world.coordinator)
    assert 'data-testid="after-death"' in client.get(url).content.decode()
    client.post(
        url,
        {
            "save_minutes": "1",
            "version": "0",
            "review_went_well": "Goede afstemming met de wijkverpleging",
            "review_preferred_place": "264362003",
            "review_place_matched": "yes",
            "review_lessons": "Eerder palliatieve zorg bespreken",
        },
    )
    version = MinutesVersion.objects.get(agenda_item=item)
    assert version.review_place_matched == "yes" and version.has_review
    bad = client.post(url, {"save_minutes": "1", "version": "1", "review_place_matched": "maybe"})
    assert bad.status_code == 200 and b"errorlist" in bad.content


def test_add_action_and_tick_it_off(world, client_for):
    patient = PatientFactory(gp_practice=world.practice, marked=True)
    item = AgendaItemFactory(
        meeting=MeetingFactory(core_team=world.team, prepared=True), patient=patient
    )
    client = client_for(world.coordinator)
    url = reverse("meetings:action_add", args=[item.meeting_id, item.pk])
    owner = world.poh.membership.professional
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    bad = client.post(url, {"description": "", "owner": owner.pk, "due_on": due})
    assert bad.status_code == 200 and not ActionItem.objects.exists()
    response = client.post(url, {"description": "Familiegesprek", "owner": owner.pk, "due_on": due})
    assert response.status_code == 302
    action = ActionItem.objects.get()
    poh = client_for(world.poh)
    assert poh.post(reverse("meetings:action_done", args=[action.pk])).status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None
    assert poh.post(reverse("meetings:action_reopen", args=[action.pk])).status_code == 302
    assert (
        client_for(world.nurse).post(reverse("meetings:action_done", args=[action.pk])).status_code
        == 404
    )
    # The nurse (not the owner and no relationship): the owner list refuses her.
    nurse_choice = client.post(
        url,
        {"description": "Bezoek", "owner": world.nurse.membership.professional.pk, "due_on": due},
    )
    assert nurse_choice.status_code == 200 and b"errorlist" in nurse_choice.content


def test_core_team_pages(world, client_for):
    client = client_for(world.gp)
    assert client.get(reverse("meetings:core_teams")).status_code == 200
    assert client.get(reverse("meetings:core_team", args=[world.team.pk])).status_code == 200
    response = client.post(
        reverse("meetings:core_team_member_add", args=[world.team.pk]),
        {"organization": world.consult.pk, "professional": "", "role": "palliative_specialist"},
    )
    assert response.status_code == 302
    edit = client.post(
        reverse("meetings:core_team_edit", args=[world.team.pk]),
        {
            "name": "Kernteam Nieuw",
            "coordinator": world.coordinator.membership.professional.pk,
            "default_kind": "mdo",
            "default_location": "",
            "default_online_url": "",
            "default_duration_minutes": 45,
        },
    )
    assert edit.status_code == 302
    world.team.refresh_from_db()
    assert world.team.name == "Kernteam Nieuw" and world.team.default_kind == "mdo"
    nurse = client_for(world.nurse)
    assert nurse.get(reverse("meetings:core_team", args=[world.team.pk])).status_code == 200
    assert (
        client_for(world.other_gp)
        .get(reverse("meetings:core_team", args=[world.team.pk]))
        .status_code
        == 404
    )
    created = client_for(world.other_gp).post(
        reverse("meetings:core_team_create"),
        {"name": "Kernteam Anders", "default_kind": "patz", "default_duration_minutes": 60},
    )
    assert created.status_code == 302
    assert CoreTeam.objects.filter(name="Kernteam Anders").exists()


# --- query counts at two sizes ---


def _fill(world, n: int, meeting: Meeting) -> None:
    for i in range(n):
        patient = PatientFactory(
            gp_practice=world.practice,
            marked=True,
            urgency="red" if i % 2 else "orange",
        )
        if i % 3 == 0:
            SignalFactory(patient=patient)
            CareTeamMemberFactory(patient=patient, organization=world.nursing)
            ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
        item = AgendaItemFactory(meeting=meeting, patient=patient, section="urgent")
        ActionItemFactory(agenda_item=item, owner=world.poh.membership.professional)
        services.save_minutes(
            world.coordinator, item, data={"physical": f"{i}"}, expected_version=0
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["coordinator", "nurse"])
def test_agenda_page_queries_do_not_grow(world, client_for, who):
    meeting = MeetingFactory(core_team=world.team, prepared=True)
    client = client_for(getattr(world, who))
    url = reverse("meetings:detail", args=[meeting.pk])
    _fill(world, 2, meeting)
    small = _count(client, url)
    _fill(world, 25, meeting)
    assert _count(client, url) == small


def test_meeting_list_and_home_queries_do_not_grow(world, client_for):
    client = client_for(world.coordinator)
    MeetingFactory(core_team=world.team)
    MeetingFactory(core_team=world.team, held=True)
    _fill(world, 1, MeetingFactory(core_team=world.team, prepared=True))
    small_list = _count(client, reverse("meetings:list"))
    small_home = _count(client, reverse("ui:home"))
    for _ in range(12):
        MeetingFactory(core_team=world.team)
        MeetingFactory(core_team=world.team, held=True)
    _fill(world, 10, MeetingFactory(core_team=world.team, prepared=True))
    assert _count(client, reverse("meetings:list")) == small_list
    assert _count(client, reverse("ui:home")) == small_home


def test_my_actions_queries_do_not_grow(world, client_for):
    client = client_for(world.poh)
    meeting = MeetingFactory(core_team=world.team, prepared=True)
    _fill(world, 2, meeting)
    small = _count(client, reverse("meetings:my_actions"))
    _fill(world, 15, meeting)
    assert _count(client, reverse("meetings:my_actions")) == small


@pytest.mark.parametrize(
    ("team", "status"),
    [("%C2%B2", 200), ("99999999999999999999999", 200), ("0", 200), ("999999", 404)],
)
def test_bad_team_in_query_string_never_crashes(world, client_for, team, status):
    """A "²" passes str.isdigit() but not int(): not an id, so the default team is used."""
    client = client_for(world.coordinator)
    client.raise_request_exception = False
    assert client.get(reverse("meetings:create") + f"?team={team}").status_code == status


@pytest.mark.parametrize("patient", ["\u00b2", "99999999999999999999999", "1" * 5000])
def test_bad_patient_id_on_agenda_add_is_a_form_error(world, client_for, patient):
    meeting = services.plan_meeting(world.coordinator, world.team, starts_at=at(7))
    client = client_for(world.coordinator)
    client.raise_request_exception = False
    url = reverse("meetings:agenda_add", args=[meeting.pk])
    response = client.post(url, {"patient": patient, "section": "other"})
    assert response.status_code == 200 and b"form-errors" in response.content
    assert not AgendaItem.objects.filter(meeting=meeting, is_manual=True).exists()


@pytest.mark.parametrize(
    "starts_at", ["0001-01-01T00:10", "9999-12-31T23:30", "1999-12-31T23:00", "2101-01-01T10:00"]
)
def test_meeting_dates_outside_2000_2100_are_a_form_error(world, client_for, starts_at):
    """Year 1 failed on save, year 9999 was saved and then its page, .ics and PDF failed."""
    client = client_for(world.coordinator)
    client.raise_request_exception = False
    data = {
        "team": world.team.pk,
        "kind": "patz",
        "starts_at": starts_at,
        "duration_minutes": 60,
        "location": "Praktijk",
    }
    response = client.post(reverse("meetings:create"), data)
    assert response.status_code == 200
    assert "Kies een datum tussen 2000 en 2100" in response.content.decode()
    assert not Meeting.objects.exists()
    meeting = services.plan_meeting(world.coordinator, world.team, starts_at=at(7))
    response = client.post(
        reverse("meetings:edit", args=[meeting.pk]), data | {"version": meeting.version}
    )
    assert response.status_code == 200
    assert "Kies een datum tussen 2000 en 2100" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.starts_at == at(7)


def test_service_refuses_a_meeting_outside_2000_2100(world):
    from django.core.exceptions import ValidationError

    far = timezone.make_aware(dt.datetime(9999, 12, 31, 23, 30))
    with pytest.raises(ValidationError) as refused:
        services.plan_meeting(world.coordinator, world.team, starts_at=far)
    assert "starts_at" in refused.value.message_dict


def test_meeting_list_pages_through_earlier_meetings_and_counts_later_ones(world, client_for):
    """More than a page of earlier meetings: paged, none lost; upcoming meetings beyond the
    first 20 are counted, never listed among the earlier ones."""
    from palliare.meetings.views.meetings import PAST_PER_PAGE, UPCOMING_SHOWN

    client = client_for(world.coordinator)
    for _ in range(UPCOMING_SHOWN + 3):
        MeetingFactory(core_team=world.team)
    held = [MeetingFactory(core_team=world.team, held=True) for _ in range(PAST_PER_PAGE + 5)]
    first = client.get(reverse("meetings:list"))
    second = client.get(reverse("meetings:list") + "?page=2")
    assert len(first.context["upcoming"]) == UPCOMING_SHOWN
    assert first.context["more_upcoming"] == 3
    assert 'data-testid="more-upcoming"' in first.content.decode()
    shown = [m.pk for m in first.context["past"]] + [m.pk for m in second.context["past"]]
    assert sorted(shown) == sorted(m.pk for m in held)
    assert "?page=2" in first.content.decode()
    bad = client.get(reverse("meetings:list") + "?page=abc")
    assert bad.status_code == 200


def test_after_death_review_starts_from_the_death_registration(world, client_for):
    """Issue 18 item 6: the review used to start empty although the death registration holds
    the answers; now its preferred place, "achieved" and a line on place and wish are filled in
    (shown as such), until the team saves its own review."""
    from palliare.patients import services as patient_services
    from palliare.patients.constants import PlaceOfDeath

    patient = PatientFactory(gp_practice=world.practice, family_name="Wolters")
    patient_services.register_death(
        world.gp,
        patient,
        data={
            "date_of_death": timezone.localdate() - dt.timedelta(days=3),
            "place_of_death": PlaceOfDeath.HOSPITAL,
            "place_of_death_other": "",
            "expected": "yes",
            "preferred_place_known": "yes",
            "preferred_place": PlaceOfDeath.HOME,
            "preferred_place_achieved": "no",
            "palliative_sedation": "yes",
            "hospital_admissions_30d": 2,
            "emergency_visits_30d": 1,
            "had_care_plan": "yes",
            "note": "",
        },
    )
    item = AgendaItemFactory(
        meeting=MeetingFactory(core_team=world.team, prepared=True),
        patient=patient,
        section="deceased",
    )
    url = reverse("meetings:item", args=[item.meeting_id, item.pk])
    client = client_for(world.coordinator)
    response = client.get(url)
    initial = response.context["form"].initial
    assert initial["review_preferred_place"] == PlaceOfDeath.HOME
    assert initial["review_place_matched"] == "no"
    comment = initial["review_place_comment"]
    assert "ziekenhuis" in comment and "thuis" in comment and "2 ziekenhuisopname" in comment
    assert 'data-testid="review-prefill"' in response.content.decode()
    # Once the team saved its own review, that is what the form shows.
    client.post(
        url,
        {
            "save_minutes": "1",
            "version": "0",
            "review_preferred_place": PlaceOfDeath.HOME,
            "review_place_matched": "no",
            "review_place_comment": "Opname na val; thuis was niet meer haalbaar.",
        },
    )
    again = client.get(url)
    assert again.context["form"].initial["review_place_comment"].startswith("Opname na val")
    assert 'data-testid="review-prefill"' not in again.content.decode()


def test_agenda_item_shows_the_spict_indicators(world, client_for):
    """Issue 18 item 7: the indicators ticked at marking appear on the meeting's agenda item."""
    from palliare.patients.factories import MarkingFactory

    patient = PatientFactory(gp_practice=world.practice)
    MarkingFactory(patient=patient, spict_general=["dependent"], spict_disease=["dementia_frailty"])
    item = AgendaItemFactory(
        meeting=MeetingFactory(core_team=world.team, prepared=True), patient=patient
    )
    url = reverse("meetings:item", args=[item.meeting_id, item.pk])
    page = client_for(world.coordinator).get(url).content.decode()
    line = page[page.index('data-testid="agenda-spict"') :]
    line = line[: line.index("</p>")]
    assert "SPICT-NL" in line and "dementie" in line.lower()
