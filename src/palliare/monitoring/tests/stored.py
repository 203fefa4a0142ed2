"""Stored KPI figures written directly (no register behind them), for tests of what leaves
Palliare (the FHIR MeasureReport): a region with subregions and municipalities, the seeded
catalogue, and exactly the numerators and denominators a test names."""

from __future__ import annotations

from dataclasses import dataclass

from palliare.accounts.actors import Actor
from palliare.monitoring import services
from palliare.monitoring.constants import AreaType
from palliare.monitoring.models import KpiDefinition, KpiVersion
from palliare.monitoring.periods import Period
from palliare.monitoring.sources import Figure
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
    SubregionFactory,
)
from palliare.organizations.models import Municipality, Organization, Region, Subregion


@dataclass
class Area:
    region: Region
    subregions: list[Subregion]
    municipalities: list[Municipality]  # two per subregion
    network: Organization


def area(n_subregions: int = 3) -> Area:
    """A region ("Testregio") with subregions A, B, C… (two municipalities each) and the
    network's own organisation."""
    region = RegionFactory()
    subs, munis = [], []
    for i in range(n_subregions):
        letter = chr(ord("A") + i)
        sub = SubregionFactory(
            region=region, code=f"sub-{letter.lower()}", name=f"Subregio {letter}"
        )
        subs.append(sub)
        for j in (1, 2):
            munis.append(
                MunicipalityFactory(
                    gm_code=f"GM9{i}{j:02d}", name=f"Gemeente {letter}{j}", subregion=sub
                )
            )
    network = OrganizationFactory(
        type=OrganizationType.NETWORK_OFFICE, name="Netwerk Palliatieve Zorg Test"
    )
    return Area(region, subs, munis, network)


def catalogue() -> None:
    services.ensure_catalogue()


def version(code: str) -> KpiVersion:
    definition = KpiDefinition.objects.select_related("current").get(code=code)
    assert definition.current is not None
    return definition.current


Cells = dict[tuple[str, int, str], tuple[float | None, float | None]]


def store(code: str, period: Period, cells: Cells) -> KpiVersion:
    """Store the figures of ``cells`` ((area type, area id, subgroup) → (numerator,
    denominator)) for the current version of ``code``; values are shares in percent, or the
    denominator's median when the numerator is None."""
    v = version(code)
    figures = []
    for (area_type, area_id, subgroup), (num, den) in cells.items():
        value = (100 * num / den if den else None) if num is not None else 42.0
        figures.append(Figure(area_type, area_id, subgroup, num, den, value))
    services.store_period(v, period, figures)
    return v


def new_version(actor: Actor, code: str, note: str = "Teller verduidelijkt") -> KpiVersion:
    """A new version of ``code``, saved by ``actor`` (the network coordinator)."""
    current = version(code)
    data = {name: getattr(current, name) for name in services.VERSION_FIELDS}
    data["numerator"] = data["numerator"] + " (verduidelijkt)"
    return services.save_kpi_version(actor, current.definition, data, note=note)


REGION = AreaType.REGION
SUBREGION = AreaType.SUBREGION
MUNICIPALITY = AreaType.MUNICIPALITY
ORGANIZATION = AreaType.ORGANIZATION


def issued_report(figures: list[dict[str, object]], title: str = "Regiorapportage 2026 Q1") -> None:
    """An issued regional report that showed ``figures`` (as ``reports.issue`` stores them)."""
    from palliare.accounts.factories import UserFactory
    from palliare.monitoring.models import IssuedReport

    IssuedReport.objects.create(
        period_type="quarter",
        period_start=figures[0]["period_start"] if figures else "2026-01-01",
        title=title,
        pdf=b"",
        xlsx=b"",
        figures=figures,
        issued_by=UserFactory(),
        issued_by_name="Programmateam",
    )
