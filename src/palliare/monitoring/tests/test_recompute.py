"""Recomputation stores the rules' figures per KPI version and period, idempotently and
incrementally (the fill state), records one statistics event in the access log without a
patient, skips delivered/milestone KPIs until their source is registered, and uses a registered
source; the catalogue is versioned and targets need a decision."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.monitoring import services, sources
from palliare.monitoring.constants import AreaType, PeriodType, Source
from palliare.monitoring.models import FillState, KpiDefinition, KpiValue, KpiVersion
from palliare.monitoring.periods import Period

from . import golden

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 1)


@pytest.fixture
def world() -> golden.World:
    services.ensure_catalogue()
    return golden.build()


def value(code: str, world: golden.World, period: Period) -> KpiValue:
    return KpiValue.objects.get(
        version__definition__code=code,
        area_type=AreaType.REGION,
        area_id=world.region.pk,
        period_type=period.type,
        period_start=period.start,
        subgroup="",
    )


def test_recompute_stores_figures_once_and_logs_one_statistics_event(world):
    before = AuditEvent.objects.count()
    run = services.recompute_now(today=TODAY)
    assert run.status == "done" and run.done_steps == run.total_steps > 0
    stored = value("plan-before-death", world, Period.quarter(2026, 1))
    assert (stored.numerator, stored.denominator, stored.value) == (2, 4, 50.0)
    assert value("plan-before-death", world, Period.year(2026)).value == 50.0
    events = AuditEvent.objects.order_by("sequence")[before:]
    assert [(e.event_type, e.patient_id, e.purpose) for e in events] == [
        ("monitoring.recomputed", None, "statistics")
    ]
    rows = KpiValue.objects.count()
    services.recompute_now(full=True, today=TODAY)
    assert KpiValue.objects.count() == rows  # idempotent


def test_incremental_recompute_skips_final_periods(world):
    services.recompute_now(today=TODAY)
    first = services.recompute_now(today=TODAY)
    full = services.recompute_now(full=True, today=TODAY)
    assert first.total_steps < full.total_steps
    assert FillState.objects.filter(filled_until=TODAY, is_complete=True).exists()


def test_delivered_kpis_wait_for_their_source(world):
    services.recompute_now(today=TODAY)
    # The deliveries app's source is registered, but no delivery was accepted yet.
    assert not KpiValue.objects.filter(version__source=Source.DELIVERED).exists()

    def delivered(rule: str, period: Period):
        assert rule in {
            "zh_consulten",
            "zh_consulten_pzp/zh_consulten",
            "wv_clienten_met_izp/wv_palliatieve_clienten",
            "hospice_opnames_met_izp/hospice_opnames",
        }
        yield sources.Figure(AreaType.REGION, world.region.pk, "", 12, None, 12)

    real = sources.get_source("delivered")
    sources.register("delivered", delivered)
    try:
        services.recompute_now(today=TODAY)
    finally:
        if real is None:
            sources.unregister("delivered")
        else:
            sources.register("delivered", real)
    stored = KpiValue.objects.filter(
        version__source=Source.DELIVERED, period_type=PeriodType.QUARTER
    )
    assert stored.count() > 0 and {v.value for v in stored} == {12}


def test_a_changed_definition_is_a_new_version_and_results_name_it(world, make_actor):
    coordinator = make_actor(RoleCode.NETWORK_COORDINATOR)
    definition = KpiDefinition.objects.get(code="plan-before-death")
    first = definition.current
    data = {name: getattr(first, name) for name in services.VERSION_FIELDS}
    data["name_nl"] = "Zorgplan vóór overlijden (herzien)"
    second = services.save_kpi_version(coordinator, definition, data, note="naam")
    assert (first.version, second.version) == (1, 2)
    assert KpiVersion.objects.get(pk=first.pk).name_nl != second.name_nl
    with pytest.raises(ValueError, match="never changed"):
        second.save()
    services.recompute_now(today=TODAY)
    stored = value("plan-before-death", world, Period.quarter(2026, 1))
    assert stored.version_id == second.pk
    with pytest.raises(PermissionDenied):
        services.save_kpi_version(make_actor(RoleCode.STEERING_GROUP), definition, data)


def test_a_target_needs_a_decision(world, make_actor):
    steering = make_actor(RoleCode.STEERING_GROUP)
    definition = KpiDefinition.objects.get(code="plan-before-death")
    kwargs = {
        "value": decimal.Decimal("20"),
        "target_date": dt.date(2026, 3, 31),
        "decision_date": dt.date(2025, 12, 16),
    }
    with pytest.raises(ValidationError) as error:
        services.set_target(steering, definition, decision_reference="  ", **kwargs)
    assert "decision_reference" in error.value.message_dict
    assert not definition.targets.exists()
    target = services.set_target(
        steering, definition, decision_reference="Stuurgroep 16-12-2025 punt 4", **kwargs
    )
    assert target.value == 20
    with pytest.raises(PermissionDenied):
        services.set_target(
            make_actor(RoleCode.PROGRAMME_TEAM), definition, decision_reference="x", **kwargs
        )


def test_population_context_is_loaded_from_reference_data(db):
    assert services.load_population() > 100
    from palliare.monitoring.models import PopulationFigure

    assen = PopulationFigure.objects.get(gm_code="GM0106", year=2023)
    assert assen.deaths > 500 and assen.population > 60000
