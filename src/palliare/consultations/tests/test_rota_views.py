"""Pages of the rota and "who do I call now?": the phone number first, htmx answers without a
page reload, clear messages for unknown postcodes, the coordinator's rota page with coverage
warnings listing the uncovered times, form errors for invalid time ranges, and bounded query
counts at two data sizes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.consultations.factories import (
    ConsultationTeamFactory,
    DatedSlotFactory,
    SpecialistMembershipFactory,
    WeeklySlotFactory,
)
from palliare.consultations.models import DatedSlot, WeeklySlot
from palliare.organizations.factories import MunicipalityFactory, PostcodeAreaFactory

pytestmark = pytest.mark.django_db

WHO = reverse("consultations:call:who")
ROTA = reverse("consultations:rota:overview")


@pytest.fixture
def gp_client(make_actor, client_for):
    return client_for(make_actor(RoleCode.GP))


@pytest.fixture
def coordinator_client(make_actor, client_for):
    return client_for(make_actor(RoleCode.NETWORK_COORDINATOR, subregion=None))


def _queries(client, url, data=None, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {}, **extra)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def test_tuesday_morning_shows_subregional_phone_first(rota, gp_client):
    html = gp_client.get(WHO, {"postcode": "9401", "date": "2026-03-10", "time": "10:00"})
    html = html.content.decode()
    assert html.index("0592 111 111") < html.index("Consultatieteam Assen")
    assert 'href="tel:0592111111"' in html
    assert "Kantooruren" in html
    assert "dinsdag 10 maart, 17:00" in html  # on duty until
    assert "ANW-team Regio" in html  # next change


def test_sunday_night_shows_out_of_hours_team(rota, gp_client):
    html = gp_client.get(WHO, {"postcode": "9401 AB", "date": "2026-03-08", "time": "23:00"})
    html = html.content.decode()
    assert "0592 999 999" in html
    assert "ANW-team Regio" in html
    assert "hele regio" in html
    assert "maandag 9 maart, 08:00" in html


def test_htmx_returns_only_the_answer(rota, gp_client):
    response = gp_client.get(
        WHO, {"postcode": "9401", "date": "2026-03-10", "time": "10:00"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="duty-phone"' in html


def test_default_moment_is_now(rota, gp_client):
    html = gp_client.get(WHO, {"postcode": "9401"}).content.decode()
    assert 'data-testid="duty-answer"' in html
    assert timezone.localtime().strftime("%Y") in html


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("1011", "Postcode 1011 is onbekend"),
        ("abc", "Vul de vier cijfers van een Nederlandse postcode in"),
        ("0123", "Vul de vier cijfers van een Nederlandse postcode in"),
    ],
)
def test_bad_postcode_gives_a_clear_message(rota, gp_client, postcode, message):
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = gp_client.get(WHO, {"postcode": postcode}, **extra)
        assert response.status_code == 200
        assert message in response.content.decode()


def test_postcode_outside_network(rota, gp_client):
    PostcodeAreaFactory(
        pc4="1012", place="Amsterdam", municipality=MunicipalityFactory(subregion=None)
    )
    html = gp_client.get(WHO, {"postcode": "1012"}).content.decode()
    assert "valt niet onder een subregio van dit netwerk" in html


def test_bad_date_or_time_is_a_form_error(rota, gp_client):
    response = gp_client.get(WHO, {"postcode": "9401", "date": "31-02-2026", "time": "25:00"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="errorlist"') == 2
    assert 'data-testid="duty-answer"' not in html


@pytest.mark.parametrize(
    "date", ["9999-12-31", "0001-01-01", "2000-01-01", "31-12-9999", "%s+400d", "%s-400d"]
)
def test_date_far_from_today_is_a_form_error(rota, gp_client, date):
    """Dates at the edge of the calendar overflowed in the rota's look-ahead (500)."""
    today = timezone.localdate()
    if date.startswith("%s"):
        date = (today + dt.timedelta(days=int(date[2:-1]))).isoformat()
    gp_client.raise_request_exception = False
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = gp_client.get(WHO, {"postcode": "9401", "date": date}, **extra)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Kies een datum binnen een jaar vanaf vandaag" in html
        assert 'data-testid="duty-answer"' not in html


def test_date_within_a_year_is_answered(rota, gp_client):
    date = (timezone.localdate() + dt.timedelta(days=300)).isoformat()
    response = gp_client.get(WHO, {"postcode": "9401", "date": date, "time": "03:00"})
    assert 'data-testid="duty-answer"' in response.content.decode()


def test_who_to_call_query_count_does_not_grow(rota, gp_client):
    params = {"postcode": "9401", "date": "2026-03-10", "time": "10:00"}
    office = rota.slots[0]
    office.specialist = rota.specialist.professional
    office.save()
    small = _queries(gp_client, WHO, params)
    for _ in range(10):
        slot = WeeklySlotFactory(subregion=rota.subregion, team=rota.office_team, days=0b1000000)
        membership = SpecialistMembershipFactory(organization=rota.office_team)
        slot.specialist = membership.professional
        slot.save()
        DatedSlotFactory(subregion=rota.subregion, team=rota.anw_team, date=dt.date(2026, 3, 12))
    assert _queries(gp_client, WHO, params) == small


def test_specialists_page_lists_teams_per_subregion(rota, gp_client):
    url = reverse("consultations:call:specialists")
    html = gp_client.get(url).content.decode()
    assert "Consultatieteam Assen" in html
    assert rota.specialist.professional.full_name in html
    assert "ANW-team Regio" in html
    small = _queries(gp_client, url)
    for _ in range(5):
        team = ConsultationTeamFactory(subregion=rota.subregion)
        SpecialistMembershipFactory(organization=team)
        WeeklySlotFactory(subregion=rota.subregion, team=team)
    assert _queries(gp_client, url) == small


def test_rota_page_lists_uncovered_times(rota, coordinator_client):
    rota.slots[1].delete()  # no weekday evenings
    html = coordinator_client.get(ROTA, {"weeks": "1"}).content.decode()
    assert "Niet gedekt" in html
    assert "17:00 –" in html
    assert 'data-problem="gap"' in html
    assert "Consultatieteam Assen" in html  # weekly slots listed


def test_rota_page_without_problems(rota, coordinator_client):
    html = coordinator_client.get(ROTA).content.decode()
    assert "Elke subregio is de klok rond gedekt" in html


def test_rota_page_htmx_period_switch(rota, coordinator_client):
    response = coordinator_client.get(ROTA, {"weeks": "2"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert 'data-testid="coverage"' in response.content.decode()


def test_rota_page_query_count_does_not_grow(rota, coordinator_client):
    small = _queries(coordinator_client, ROTA)
    for _ in range(15):
        WeeklySlotFactory(subregion=rota.subregion, team=rota.office_team, days=0b1000000)
        DatedSlotFactory(subregion=rota.subregion, team=rota.office_team)
    assert _queries(coordinator_client, ROTA) == small


def _weekly_post(rota, **changes):
    data = {
        "scope": f"s{rota.subregion.pk}",
        "kind": "office_hours",
        "days": ["5"],
        "start_time": "09:00",
        "end_time": "12:00",
        "team": rota.office_team.pk,
        "specialist": "",
        "phone": "",
        "valid_from": "",
        "valid_until": "",
        "note": "",
    }
    data.update(changes)
    return data


def test_add_weekly_slot(rota, coordinator_client):
    url = reverse("consultations:rota:weekly_new")
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url, _weekly_post(rota))
    assert response.status_code == 302
    slot = WeeklySlot.objects.latest("pk")
    assert slot.days == 1 << 5
    assert AuditEvent.objects.filter(event_type="consultations.weekly_slot_created").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start_time": "17:00", "end_time": "08:00"}, "end_time", "later than the start"),
        ({"start_time": "17:00", "end_time": "17:00"}, "end_time", "later than the start"),
        ({"start_time": "8 uur"}, "start_time", ""),
        ({"days": []}, "days", ""),
        ({"days": ["0", "holidays"]}, "days", "out of hours"),
        ({"valid_from": "2026-05-01", "valid_until": "2026-04-01"}, "valid_until", "before"),
        ({"scope": "x1"}, "scope", ""),
        ({"scope": "s\u00b2"}, "scope", ""),  # "²": isdigit() but not a number
        ({"scope": "r99999999999999999999999"}, "scope", ""),
        ({"team": ""}, "team", ""),
    ],
)
def test_bad_weekly_slot_gives_form_errors(rota, coordinator_client, changes, field, message):
    from django.utils import translation

    before = WeeklySlot.objects.count()
    coordinator_client.cookies["palliare_language"] = "en"
    with translation.override("en"):
        response = coordinator_client.post(
            reverse("consultations:rota:weekly_new"), _weekly_post(rota, **changes)
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert field in form.errors, form.errors
        assert message in " ".join(str(e) for e in form.errors[field])
    assert WeeklySlot.objects.count() == before


def test_specialist_must_belong_to_team(rota, coordinator_client):
    stranger = SpecialistMembershipFactory()  # a specialist of another team
    response = coordinator_client.post(
        reverse("consultations:rota:weekly_new"),
        _weekly_post(rota, specialist=stranger.professional.pk),
    )
    assert "specialist" in response.context["form"].errors


def test_edit_and_remove_weekly_slot(rota, coordinator_client):
    slot = rota.slots[3]  # weekends and holidays
    url = reverse("consultations:rota:weekly_edit", args=[slot.pk])
    form = coordinator_client.get(url).context["form"]
    assert form.initial["days"] == ["5", "6", "holidays"]
    assert form.initial["scope"] == f"r{slot.region_id}"
    data = _weekly_post(
        rota,
        scope=f"r{slot.region_id}",
        kind="out_of_hours",
        days=["5", "6", "holidays"],
        start_time="00:00",
        end_time="00:00",
        team=rota.anw_team.pk,
        phone="0592 555 555",
    )
    assert coordinator_client.post(url, data).status_code == 302
    slot.refresh_from_db()
    assert slot.phone == "0592 555 555"
    remove = reverse("consultations:rota:weekly_remove", args=[slot.pk])
    assert coordinator_client.get(remove).status_code == 200
    assert coordinator_client.post(remove).status_code == 302
    assert not WeeklySlot.objects.filter(pk=slot.pk).exists()
    html = coordinator_client.get(ROTA).content.decode()
    assert "Niet gedekt" in html  # the weekend is uncovered now


def test_dated_slot_rules(rota, coordinator_client):
    url = reverse("consultations:rota:dated_new")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    base = {
        "scope": f"s{rota.subregion.pk}",
        "kind": "out_of_hours",
        "date": tomorrow.isoformat(),
        "start_time": "08:00",
        "end_time": "17:00",
        "team": rota.anw_team.pk,
        "note": "Brugdag",
    }
    assert coordinator_client.post(url, base).status_code == 302
    assert DatedSlot.objects.get().note == "Brugdag"
    past = {**base, "date": (tomorrow - dt.timedelta(days=3)).isoformat()}
    assert "date" in coordinator_client.post(url, past).context["form"].errors
    next_christmas = dt.date(tomorrow.year + 1, 12, 25)
    holiday = {**base, "kind": "office_hours", "date": next_christmas.isoformat()}
    errors = coordinator_client.post(url, holiday).context["form"].errors
    assert "feestdag" in " ".join(errors["kind"])
    assert DatedSlot.objects.count() == 1


def test_gp_cannot_open_rota_pages(rota, gp_client):
    assert gp_client.get(ROTA).status_code == 403
    assert gp_client.post(reverse("consultations:rota:weekly_new"), {}).status_code == 403


def test_admin_uses_the_rota_form_and_logs_changes(rota, coordinator_client):
    add = "/admin/consultations/weeklyslot/add/"
    assert coordinator_client.get(add).status_code == 200
    response = coordinator_client.post(add, _weekly_post(rota, days=["6"]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    slot = WeeklySlot.objects.latest("pk")
    assert slot.days == 1 << 6
    assert AuditEvent.objects.filter(event_type="consultations.weekly_slot_created").exists()
    change = f"/admin/consultations/weeklyslot/{slot.pk}/change/"
    assert coordinator_client.get(change).status_code == 200
    delete = f"/admin/consultations/weeklyslot/{slot.pk}/delete/"
    assert coordinator_client.post(delete, {"post": "yes"}).status_code == 302
    assert AuditEvent.objects.filter(event_type="consultations.weekly_slot_removed").exists()
    assert coordinator_client.get("/admin/consultations/datedslot/add/").status_code == 200
