"""Scenario and register services: a change is a new version with who, when and why, logged in
the access log; nothing changed makes no version; a stale edit is refused; only the network
coordinator and programme team may change anything. The figures read back per subregion
match the hand-worked fixture; the annual report gets a capacity section."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.planning import figures, services
from palliare.planning.models import ScenarioVersion, Specialist
from palliare.planning.report_sections import capacity_figures

from . import world as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> w.World:
    return w.build()


@pytest.fixture
def coordinator(world, make_actor):
    return make_actor(RoleCode.NETWORK_COORDINATOR)


def test_new_version_per_change_logged_and_sources_kept(world, coordinator):
    scenario = w.scenario(world, coordinator)
    assert scenario.current.version == 1
    values = dict(scenario.current.values, length_of_stay_days="25")
    sources = dict(scenario.current.sources, length_of_stay_days="Kerncijfers hospicezorg")
    version = services.save_parameters(
        coordinator,
        scenario,
        values=values,
        sources=sources,
        change_note="Stuurgroep 12-3",
        based_on=1,
    )
    assert version is not None and version.version == 2
    assert version.values["length_of_stay_days"] == "25"
    assert version.sources["length_of_stay_days"] == "Kerncijfers hospicezorg"
    assert version.change_note == "Stuurgroep 12-3"
    first = ScenarioVersion.objects.get(scenario=scenario, version=1)
    assert first.values["length_of_stay_days"] == "20"  # the old version is kept unchanged
    event = AuditEvent.objects.filter(event_type="planning.parameters_changed").get()
    assert "length_of_stay_days" in event.details["changed"]
    # Saving the same again changes nothing.
    assert (
        services.save_parameters(coordinator, scenario, values=values, sources=sources, based_on=2)
        is None
    )
    # An edit that started from version 1 is refused now that version 2 exists.
    with pytest.raises(ValidationError):
        services.save_parameters(
            coordinator,
            scenario,
            values=dict(values, length_of_stay_days="30"),
            sources=sources,
            based_on=1,
        )


@pytest.mark.parametrize("role", [RoleCode.STEERING_GROUP, RoleCode.BUSINESS_CONTROLLER])
def test_only_coordinator_and_programme_team_change(world, make_actor, role):
    actor = make_actor(role)
    with pytest.raises(PermissionDenied):
        services.create_scenario(actor, world.region, name="X")
    specialist = Specialist(region=world.region, name="Y", qualification="physician")
    with pytest.raises(PermissionDenied):
        services.save_specialist(actor, specialist)
    programme = make_actor(RoleCode.PROGRAMME_TEAM)
    assert services.create_scenario(programme, world.region, name="X").current is not None


def test_names_unique_and_copies(world, coordinator):
    basis = w.scenario(world, coordinator)
    with pytest.raises(ValidationError):
        services.create_scenario(coordinator, world.region, name="basis")
    copy = services.create_scenario(coordinator, world.region, name="Kopie", copy_from=basis)
    assert copy.current.values == basis.current.values


def test_figures_per_subregion_match_the_hand_worked_fixture(world, coordinator):
    scenario = w.scenario(world, coordinator)
    _inputs, (result,) = figures.results(world.region, [scenario])
    north, south = result.areas
    assert (north.area.name, north.area.hospice_beds, north.area.other_beds) == ("Noord", 10, 2)
    assert south.area.hospice_beds == 5
    assert result.horizon_years == [2025, 2030, 2035]
    assert north.at(2030).beds_needed == pytest.approx(3800 / 292)
    assert north.beds_gap(2030) == pytest.approx(3800 / 292 - 10)
    assert north.at(2030).specialists_available == 2  # 2028 left; 2032 and "never" stay
    assert south.at(2030).deaths == 500  # one CBS year only: kept level
    assert result.region.at(2030).specialists_available == 2  # the region-wide one left 2030
    assert result.region.at(2025).specialists_available == 4
    assert result.region.area.hospice_beds == 15


def test_specialist_register_is_validated_and_logged(world, coordinator):
    specialist = Specialist(
        region=world.region,
        subregion=world.north,
        name="Nieuw",
        qualification="physician",
        expected_departure_year=1800,
    )
    with pytest.raises(ValidationError):
        services.save_specialist(coordinator, specialist)
    specialist.expected_departure_year = 2031
    services.save_specialist(coordinator, specialist)
    assert AuditEvent.objects.filter(event_type="planning.specialist_added").count() == 1


def test_annual_report_section(world, coordinator):
    assert capacity_figures(2026) is None  # no scenario yet
    w.scenario(world, coordinator)
    section = capacity_figures(2026)
    assert section is not None
    years = [row[1] for row in section.rows]
    assert years == ["2030", "2035"]  # the five- and ten-year horizons
    # Region: 2400 deaths in 2030 → 2400 × 0.1 × 20 ÷ 292 = 16,4 beds against 15.
    assert section.rows[0][3] == "16,4"
    assert section.rows[0][4] == "+1,4"


def test_chart_renders_as_svg_for_a_pdf(world, coordinator):
    from palliare.monitoring.charts import to_svg
    from palliare.planning import charts

    scenario = w.scenario(world, coordinator)
    _inputs, (result,) = figures.results(world.region, [scenario])
    spec = charts.beds_spec(result)
    names = {row["area"] for row in spec["data"]["values"]}
    assert names == {"Noord", "Zuid"}
    svg = to_svg(spec)
    assert svg.startswith("<svg") and "Noord" in svg
