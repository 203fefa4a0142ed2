"""The scenario figures as published text for the pages, the XLSX and the annual report.
Deaths and expected hospice guests are counts of people: they pass through monitoring's
small-number suppression like every other count. Beds and specialists are planning figures of
facilities and professionals, shown with one decimal."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from palliare.monitoring import suppression

from .figures import ScenarioResult
from .parameters import GROUPS, PARAMETERS, Parameter, parse_number
from .projection import NO_DEATHS, NO_POPULATION, SHORT_TREND, AreaProjection


def decimal_text(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return "—"
    return number_format(round(value, decimals), decimals, use_l10n=True, force_grouping=True)


def signed_text(value: float | None) -> str:
    """A gap: "+2,4" beds short, "−1,0" beds to spare, "0,0"."""
    if value is None:
        return "—"
    text = decimal_text(abs(value))
    if round(value, 1) > 0:
        return f"+{text}"
    if round(value, 1) < 0:
        return f"−{text}"
    return text


def deaths_text(value: float | None) -> str:
    return suppression.count_text(round(value) if value is not None else None)


@dataclass(frozen=True)
class HorizonCell:
    year: int
    deaths: str
    observed: bool
    hospice_guests: str
    beds_needed: str
    beds_gap: str
    short: bool
    specialists_needed: str
    specialists_available: str
    specialists_short: bool


@dataclass(frozen=True)
class AreaRow:
    key: str
    name: str
    is_total: bool
    beds_now: str
    other_beds: str
    specialists_now: str
    cells: list[HorizonCell]


def area_row(area: AreaProjection, years: list[int], *, is_total: bool = False) -> AreaRow:
    cells = []
    for year in years:
        figures = area.at(year)
        gap = area.beds_gap(year)
        if figures is None:
            cells.append(HorizonCell(year, "—", False, "—", "—", "—", False, "—", "—", False))
            continue
        cells.append(
            HorizonCell(
                year=year,
                deaths=deaths_text(figures.deaths),
                observed=figures.observed,
                hospice_guests=deaths_text(figures.hospice_deaths),
                beds_needed=decimal_text(figures.beds_needed),
                beds_gap=signed_text(gap),
                short=gap is not None and round(gap, 1) > 0,
                specialists_needed=decimal_text(figures.specialists_needed),
                specialists_available=str(figures.specialists_available),
                specialists_short=figures.specialists_available < figures.specialists_needed,
            )
        )
    return AreaRow(
        key=area.area.key,
        name=area.area.name,
        is_total=is_total,
        beds_now=str(area.area.hospice_beds),
        other_beds=str(area.area.other_beds),
        specialists_now=str(len(area.area.specialists)),
        cells=cells,
    )


def rows(result: ScenarioResult, years: list[int] | None = None) -> list[AreaRow]:
    """One row per subregion and one for the whole region, at the horizon years."""
    chosen = years or result.horizon_years
    return [area_row(a, chosen) for a in result.areas] + [
        area_row(result.region, chosen, is_total=True)
    ]


def problem_text(key: str) -> str:
    return {
        NO_DEATHS: _(
            "No CBS deaths for a subregion: map its municipalities to it in the directory and "
            "load the reference data."
        ),
        NO_POPULATION: _(
            "No inhabitants by age for a subregion: the deaths are kept level. Load the "
            "reference data."
        ),
        SHORT_TREND: _(
            "Fewer than two CBS years fall within the trend years: the deaths are kept level."
        ),
    }.get(key, "")


def number_text(p: Parameter, stored: str) -> str:
    """A parameter's number as shown, without its unit: years without grouping, decimals only
    as many as the value has (at most the parameter's)."""
    number = parse_number(stored)
    if number is None:
        return "—"
    if p.decimals == 0:
        return str(int(number))
    exponent = number.normalize().as_tuple().exponent
    decimals = min(p.decimals, max(0, -exponent)) if isinstance(exponent, int) else p.decimals
    return number_format(number, decimals, use_l10n=True, force_grouping=True)


def parameter_text(p: Parameter, stored: str) -> str:
    """A parameter's value as shown: the choice's label, or the number with its unit."""
    if p.is_choice:
        return str(dict(p.choices).get(stored, stored))
    text = number_text(p, stored)
    unit = str(p.unit)
    if text == "—" or not unit or p.decimals == 0:
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


@dataclass(frozen=True)
class ParameterCell:
    value: str
    source: str
    #: False when the scenario's growth method does not use this parameter.
    relevant: bool


@dataclass(frozen=True)
class ParameterRow:
    key: str
    label: str
    cells: list[ParameterCell]
    differs: bool


def parameter_rows(results: list[ScenarioResult]) -> list[tuple[str, list[ParameterRow]]]:
    """The parameters of the scenarios side by side, per group."""
    grouped: list[tuple[str, list[ParameterRow]]] = []
    for group, title in GROUPS:
        found = []
        for p in PARAMETERS:
            if p.group != group:
                continue
            values = [parameter_text(p, str(r.version.values.get(p.key, ""))) for r in results]
            cells = [
                ParameterCell(
                    value=value,
                    source=str(r.version.sources.get(p.key, "")),
                    relevant=p.method is None or p.method == r.values.growth_method,
                )
                for value, r in zip(values, results, strict=True)
            ]
            found.append(
                ParameterRow(
                    key=p.key, label=str(p.label), cells=cells, differs=len(set(values)) > 1
                )
            )
        grouped.append((str(title), found))
    return grouped
