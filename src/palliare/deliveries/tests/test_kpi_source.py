"""Monitoring's delivered KPIs read accepted deliveries: per organisation and for the region,
a count or a share of two elements, only from organisations that delivered both; a returned
delivery counts for nothing. The source is registered with monitoring when the app loads."""

from __future__ import annotations

from decimal import Decimal

from palliare.deliveries import periods
from palliare.deliveries.constants import DeliveryStatus
from palliare.deliveries.factories import DeliveryFactory
from palliare.deliveries.kpi_source import delivered_figures
from palliare.monitoring import sources
from palliare.monitoring.constants import AreaType, PeriodType
from palliare.monitoring.periods import Period
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory, RegionFactory
from palliare.organizations.models import Region


def test_the_deliveries_app_registers_its_source():
    assert sources.get_source("delivered") is delivered_figures


def test_counts_and_shares_per_organisation_and_for_the_region(data_set):
    RegionFactory()
    first, second, third = (OrganizationFactory(type=OrganizationType.HOSPITAL) for _ in range(3))
    quarter = periods.quarter(2024, 2)
    for org, values, status in (
        (first, {"consultations": 40, "consultations_with_plan": 10}, DeliveryStatus.ACCEPTED),
        (second, {"consultations": 60, "consultations_with_plan": 30}, DeliveryStatus.ACCEPTED),
        (third, {"consultations": 99, "consultations_with_plan": 99}, DeliveryStatus.RETURNED),
    ):
        DeliveryFactory(
            data_set=data_set,
            organization=org,
            period_start=quarter.start,
            status=status,
            values=values,
        )
    period = Period(start=quarter.start, type=PeriodType.QUARTER)
    region = Region.objects.order_by("pk").first()

    counts = {(f.area_type, f.area_id): f for f in delivered_figures("consultations", period)}
    assert counts[(AreaType.ORGANIZATION, first.pk)].value == 40
    assert (AreaType.ORGANIZATION, third.pk) not in counts  # returned: not counted
    assert counts[(AreaType.REGION, region.pk)].numerator == 100
    assert counts[(AreaType.REGION, region.pk)].denominator is None

    shares = {
        (f.area_type, f.area_id): f
        for f in delivered_figures("consultations_with_plan/consultations", period)
    }
    assert shares[(AreaType.ORGANIZATION, second.pk)].value == 50
    region_share = shares[(AreaType.REGION, region.pk)]
    assert (region_share.numerator, region_share.denominator, region_share.value) == (
        40,
        100,
        40,
    )
    assert Decimal(str(shares[(AreaType.ORGANIZATION, first.pk)].value)) == Decimal(25)


def test_a_period_without_accepted_deliveries_has_no_figures(data_set):
    RegionFactory()
    period = Period(start=periods.quarter(2023, 1).start, type=PeriodType.QUARTER)
    assert delivered_figures("consultations", period) == []
