"""The planning pages per role: the steering group sees the comparison but cannot edit; the
network coordinator and programme team edit parameters (a new version, beds needed change)
and keep the register; a business controller and anonymous visitors are kept out. Bad input
gets a Dutch message, never a 500. The XLSX neutralises formulas. The overview's query count
does not depend on the amount of data."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from palliare.accounts.permissions import RoleCode
from palliare.planning.models import Scenario, Specialist

from . import world as w

pytestmark = pytest.mark.django_db
OVERVIEW = reverse("planning:overview")


@pytest.fixture
def world() -> w.World:
    return w.build()


@pytest.fixture
def coordinator(world, make_actor):
    return make_actor(RoleCode.NETWORK_COORDINATOR)


@pytest.fixture
def scenarios(world, coordinator):
    return [
        w.scenario(world, coordinator),
        w.scenario(world, coordinator, name="Vergrijzing hoog", hospice_share_percent="12"),
    ]


def _form_data(scenario: Scenario, **changes: str) -> dict[str, str]:
    version = scenario.current
    data = {"based_on": str(version.version), "change_note": ""}
    for key, value in version.values.items():
        data[key] = value
        data[f"{key}__source"] = version.sources.get(key) or "bron"
    data.update(changes)
    return data


def test_steering_group_sees_both_scenarios_but_cannot_edit(scenarios, make_actor, client_for):
    client = client_for(make_actor(RoleCode.STEERING_GROUP))
    response = client.get(OVERVIEW)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Basis" in page and "Vergrijzing hoog" in page
    assert 'data-testid="beds-' in page and 'role="img"' in page
    # North 2030: 1900 × 10% × 20 ÷ (365 × 80%) = 13,0 beds, 3,0 short of 10.
    assert ">13,0<" in page and "(+3,0)" in page
    assert "Hoeveel hospicebedden" in page  # Dutch
    assert f'data-edit="{scenarios[0].pk}"' not in page
    for url in (
        reverse("planning:scenario", args=[scenarios[0].pk]),
        reverse("planning:scenario_new"),
        reverse("planning:specialists"),
    ):
        assert client.get(url).status_code == 403
    assert client.get(reverse("planning:history", args=[scenarios[0].pk])).status_code == 200


@pytest.mark.parametrize("role", [RoleCode.BUSINESS_CONTROLLER, RoleCode.GP])
def test_roles_without_reports_are_refused(scenarios, make_actor, client_for, role):
    client = client_for(make_actor(role))
    assert client.get(OVERVIEW).status_code == 403
    assert client.get(reverse("planning:export")).status_code == 403


def test_anonymous_goes_to_login(scenarios):
    response = Client().get(OVERVIEW)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [RoleCode.NETWORK_COORDINATOR, RoleCode.PROGRAMME_TEAM])
def test_editors_change_a_parameter_and_beds_change(scenarios, make_actor, client_for, role):
    client = client_for(make_actor(role))
    basis = scenarios[0]
    url = reverse("planning:scenario", args=[basis.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, _form_data(basis, length_of_stay_days="40", change_note="Stuurgroep 12-3")
    )
    assert response.status_code == 302
    basis.refresh_from_db()
    assert basis.current.version == 2
    page = client.get(response.url).content.decode()
    # 1900 × 10% × 40 ÷ 292 = 26,0 beds in north 2030.
    assert ">26,0<" in page
    history = client.get(reverse("planning:history", args=[basis.pk])).content.decode()
    assert "Stuurgroep 12-3" in history


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target_occupancy_percent", "0", "moet meer zijn dan 0 en hoogstens 100"),
        ("target_occupancy_percent", "101", "moet meer zijn dan 0 en hoogstens 100"),
        ("length_of_stay_days", "-3", "moet meer zijn dan 0 en hoogstens 365"),
        ("hospice_share_percent", "120", "moet liggen tussen 0 en 100"),
        ("hospice_share_percent", "veel", "Vul een getal in"),
        ("start_year", "1990", "Startjaar"),
        ("trend_last_year", "2022", "minstens drie jaren"),
        ("hospice_share_percent__source", "", "Vermeld waar deze waarde vandaan komt"),
    ],
)
def test_bad_parameters_get_a_dutch_message(
    scenarios, coordinator, client_for, field, value, message
):
    client = client_for(coordinator)
    basis = scenarios[0]
    response = client.post(
        reverse("planning:scenario", args=[basis.pk]), _form_data(basis, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    basis.refresh_from_db()
    assert basis.current.version == 1


def test_dutch_decimal_comma_is_accepted(scenarios, coordinator, client_for):
    basis = scenarios[0]
    client_for(coordinator).post(
        reverse("planning:scenario", args=[basis.pk]),
        _form_data(basis, hospice_share_percent="7,5"),
    )
    basis.refresh_from_db()
    assert basis.current.values["hospice_share_percent"] == "7.5"


def test_unknown_or_foreign_ids_are_404(scenarios, make_actor, client_for):
    client = client_for(make_actor(RoleCode.STEERING_GROUP))
    assert client.get(OVERVIEW, {"a": "999999"}).status_code == 404
    assert client.get(OVERVIEW, {"a": "x"}).status_code == 404
    assert client.get(OVERVIEW, {"b": str(scenarios[1].pk)}).status_code == 200


def test_register_add_and_validate(world, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("planning:specialists")
    data = {
        "name": "Dr. Nieuw",
        "qualification": "physician",
        "subregion": world.north.pk,
        "expected_departure_year": "1900",
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Vul een jaar in vanaf 2000" in response.content.decode()
    assert client.post(url, dict(data, expected_departure_year="2031")).status_code == 302
    specialist = Specialist.objects.get(name="Dr. Nieuw")
    edit = reverse("planning:specialist", args=[specialist.pk])
    client.post(edit, dict(data, expected_departure_year="2033"))
    specialist.refresh_from_db()
    assert specialist.expected_departure_year == 2033


def test_new_scenario_copies_another(scenarios, coordinator, client_for):
    client = client_for(coordinator)
    response = client.post(
        reverse("planning:scenario_new"), {"name": "Kopie", "copy_from": scenarios[1].pk}
    )
    assert response.status_code == 302
    copy = Scenario.objects.get(name="Kopie")
    assert copy.current.values["hospice_share_percent"] == "12"
    assert client.post(reverse("planning:scenario_new"), {"name": "Kopie"}).status_code == 200


def test_xlsx_has_every_year_and_neutralises_formulas(world, coordinator, client_for):
    w.scenario(world, coordinator, name='=HYPERLINK("x")')
    client = client_for(coordinator)
    response = client.get(reverse("planning:export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    parameters = book.worksheets[0]
    assert parameters.cell(1, 2).value.startswith("'=")
    sheet = book.worksheets[1]
    rows = list(sheet.iter_rows(values_only=True))
    north_2030 = next(r for r in rows if r[0] == "Noord" and r[1] == 2030)
    assert north_2030[5] == pytest.approx(13.01, abs=0.01)
    assert north_2030[6] == 10


def test_overview_query_count_does_not_grow_with_data(world, scenarios, coordinator, client_for):
    client = client_for(coordinator)
    client.get(OVERVIEW)  # warm the caches (navigation, translations)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(OVERVIEW).status_code == 200
        return len(queries)

    small = count()
    w.grow(world, 6)
    large = count()
    assert large == small, (small, large)
    page = client.get(OVERVIEW).content.decode()
    assert "Extra 5" in page
