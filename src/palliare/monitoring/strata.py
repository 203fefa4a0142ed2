"""One stored result made publishable: its figures over the region, the subregions (the
page's drill-down table), municipalities, the caller's own organisation and the region's
subgroups, every count through :mod:`suppression` (see :mod:`published` for the rules)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from palliare.organizations.models import Municipality, Organization, Subregion

from . import figures, suppression
from .constants import AreaType, Breakdown, Unit
from .periods import Period

if TYPE_CHECKING:
    from .published import KpiSpec

Values = dict[tuple[str, int, str], tuple[float | None, float | None, float | None]]

#: Stratifier families in the order they are published: the catalogue's breakdowns, then the
#: subgroup families some rules compute (place of death, urgency, office hours, setting).
BREAKDOWN_FAMILIES = (
    Breakdown.SUBREGION,
    Breakdown.MUNICIPALITY,
    Breakdown.ORGANIZATION,
    Breakdown.AGE_BAND,
    Breakdown.DIAGNOSIS_GROUP,
)
#: The subgroup prefix (``KpiValue.subgroup``) of a breakdown family.
SUBGROUP_PREFIX: dict[str, str] = {Breakdown.AGE_BAND: "age", Breakdown.DIAGNOSIS_GROUP: "dx"}
EXTRA_FAMILIES = ("place", "urgency", "hours", "setting")
#: Units whose value is a statistic of the cases (median, percentile), without a numerator.
STATISTIC_UNITS = figures.STATISTIC_UNITS


def family_label(family: str) -> str:
    """The Dutch name of a stratifier family."""
    labels = {
        Breakdown.SUBREGION: "subregio",
        Breakdown.MUNICIPALITY: "gemeente",
        Breakdown.ORGANIZATION: "organisatie",
        Breakdown.AGE_BAND: "leeftijdsgroep",
        Breakdown.DIAGNOSIS_GROUP: "diagnosegroep",
        "place": "plaats van overlijden",
        "urgency": "urgentie",
        "hours": "kantoortijd of ANW-uren",
        "setting": "thuis of intramuraal",
    }
    return labels.get(family, family)


@dataclass(frozen=True)
class Count:
    """A published count: its value, or masked (a small count, or one that would reveal one)."""

    value: int | None
    masked: bool = False

    @classmethod
    def of(cls, raw: float | None, masked: bool) -> Count | None:
        if raw is None:
            return None
        if masked or suppression.is_small(raw):
            return cls(None, True)
        return cls(round(raw))


@dataclass(frozen=True)
class Figures:
    """Numerator and denominator counts and the value, as published."""

    numerator: Count | None
    denominator: Count | None
    value: float | None
    value_masked: bool


@dataclass(frozen=True)
class Stratum:
    code: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class Stratifier:
    family: str
    label: str
    strata: tuple[Stratum, ...]


@dataclass
class _Cell:
    raw: tuple[float | None, float | None, float | None]
    num_masked: bool = False
    den_masked: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _figures(spec: KpiSpec, cell: _Cell) -> Figures:
    num, den, value = cell.raw
    numerator = None if spec.statistic else Count.of(num, cell.num_masked)
    denominator = Count.of(den, cell.den_masked)
    masked = bool((numerator and numerator.masked) or (denominator and denominator.masked))
    if spec.unit == Unit.COUNT:
        # The value is the count itself (delivered counts): published as a count.
        shown = None if masked or numerator is None else float(numerator.value or 0)
    elif spec.statistic:
        # A median or percentile reveals no count: only its number of cases decides.
        shown = suppression.published_value(value, den)
    else:
        # A rate next to its denominator gives the numerator back (and the other way round).
        shown = None if masked else suppression.published_value(value, den)
    return Figures(numerator, denominator, shown, value is not None and shown is None)


def _int(x: float | None) -> int:
    return round(x) if x is not None else 0


def publish(
    spec: KpiSpec,
    period: Period,
    region_id: int,
    vals: Values,
    subs: list[Subregion],
    municipalities: dict[int, list[Municipality]],
    own: Organization | None,
) -> tuple[Figures, tuple[Stratifier, ...]]:
    empty = (None, None, None)
    head = _Cell(vals.get((AreaType.REGION, region_id, ""), empty))
    num, den, _value = head.raw
    head.num_masked = suppression.is_small(num)
    head.den_masked = suppression.is_small(den)
    stratifiers: list[Stratifier] = []

    # The hub: the subregions, exactly the page's drill-down table.
    sub_cells: dict[int, _Cell] = {}
    if Breakdown.SUBREGION in spec.families and subs:
        points = []
        for s in subs:
            raw = vals.get((AreaType.SUBREGION, s.pk, ""))
            sub_cells[s.pk] = _Cell(raw or empty)
            points.append(figures.Point(period, raw[0], raw[1], raw[2], spec.unit) if raw else None)
        region_point = (
            figures.Point(period, head.raw[0], head.raw[1], head.raw[2], spec.unit)
            if (AreaType.REGION, region_id, "") in vals
            else None
        )
        drill = figures.drilldown(region_point, points)
        for s, published in zip(subs, drill.rows, strict=True):
            if published is not None:
                sub_cells[s.pk].num_masked = published.numerator_masked
                sub_cells[s.pk].den_masked = published.denominator_masked
        stratifiers.append(
            Stratifier(
                Breakdown.SUBREGION,
                family_label(Breakdown.SUBREGION),
                tuple(
                    Stratum(s.code, s.name, _figures(spec, sub_cells[s.pk]))
                    for s in subs
                    if (AreaType.SUBREGION, s.pk, "") in vals
                ),
            )
        )

    # Municipalities: a partition of their subregion's counts.
    if Breakdown.MUNICIPALITY in spec.families and sub_cells:
        strata = []
        for s in subs:
            members = [
                (m, vals[(AreaType.MUNICIPALITY, m.pk, "")])
                for m in municipalities.get(s.pk, [])
                if (AreaType.MUNICIPALITY, m.pk, "") in vals
            ]
            if not members:
                continue
            cells = [_Cell(raw) for _m, raw in members]
            parent = sub_cells[s.pk]
            _protect(spec.statistic, cells, parent)
            strata += [
                Stratum(m.gm_code, m.name, _figures(spec, c))
                for (m, _raw), c in zip(members, cells, strict=True)
            ]
        if strata:
            stratifiers.append(
                Stratifier(
                    Breakdown.MUNICIPALITY, family_label(Breakdown.MUNICIPALITY), tuple(strata)
                )
            )

    # Organisations: only the caller's own, with primary suppression.
    if Breakdown.ORGANIZATION in spec.families and own is not None:
        raw = vals.get((AreaType.ORGANIZATION, own.pk, ""))
        if raw is not None:
            stratifiers.append(
                Stratifier(
                    Breakdown.ORGANIZATION,
                    family_label(Breakdown.ORGANIZATION),
                    (Stratum(own.agb_code or str(own.pk), own.name, _figures(spec, _Cell(raw))),),
                )
            )

    # Region-wide subgroups: partitions of the region's counts.
    for family in spec.families:
        prefix = SUBGROUP_PREFIX.get(family, family if family in EXTRA_FAMILIES else "")
        if not prefix:
            continue
        keys = sorted(
            k[2]
            for k in vals
            if k[0] == AreaType.REGION and k[1] == region_id and k[2].startswith(prefix + ":")
        )
        if not keys:
            continue
        cells = [_Cell(vals[(AreaType.REGION, region_id, k)]) for k in keys]
        _protect(spec.statistic, cells, head)
        stratifiers.append(
            Stratifier(
                family,
                family_label(family),
                tuple(
                    Stratum(k.partition(":")[2], subgroup_label(k), _figures(spec, c))
                    for k, c in zip(keys, cells, strict=True)
                ),
            )
        )
    return _figures(spec, head), tuple(stratifiers)


def _protect(statistic: bool, cells: list[_Cell], parent: _Cell) -> None:
    """Mask the parts of a breakdown of ``parent`` (see :func:`suppression.partition_masks`).
    A breakdown whose parts all have the parent's denominator (place of death: each place's
    share of all deaths) is a distribution of that denominator over the numerators; a part
    equal to the parent's own numerator is then published there already, so hiding it there
    too withholds the breakdown."""
    p_num, p_den, _v = parent.raw
    dens = [c.raw[1] for c in cells]
    distribution = (
        not statistic
        and len(cells) > 1
        and p_den is not None
        and all(d is not None and _int(d) == _int(p_den) for d in dens)
    )
    if distribution:
        masks = suppression.partition_masks(
            [_int(c.raw[0]) for c in cells], _int(p_den), total_hidden=parent.den_masked
        )
        if (
            masks is not None
            and not parent.num_masked
            and any(m and _int(c.raw[0]) == _int(p_num) for m, c in zip(masks, cells, strict=True))
        ):
            masks = None
        for i, c in enumerate(cells):
            c.num_masked = masks is None or masks[i]
            c.den_masked = parent.den_masked
        return
    if not statistic:
        # Without the parent's own count there is nothing to protect the parts against:
        # withheld (every part masked).
        masks = (
            suppression.partition_masks(
                [_int(c.raw[0]) for c in cells], _int(p_num), total_hidden=parent.num_masked
            )
            if p_num is not None
            else None
        )
        for i, c in enumerate(cells):
            c.num_masked = masks is None or masks[i]
    if p_den is not None and all(d is not None for d in dens):
        masks = suppression.partition_masks(
            [_int(d) for d in dens], _int(p_den), total_hidden=parent.den_masked
        )
        for i, c in enumerate(cells):
            c.den_masked = masks is None or masks[i]
    else:
        for c in cells:
            c.den_masked = c.raw[1] is not None


def protect_groups(
    groups: dict[str, figures.Point], region: figures.Point | None
) -> dict[str, figures.Point]:
    """The region's subgroups (age bands, diagnosis groups, places of death, …) as published:
    each family a partition of the region's figure, protected exactly as the MeasureReport
    protects it (:func:`_protect`): the counts it hides are marked on the points, and their
    values masked with them. Without the region's figure every count is masked."""
    found: dict[str, figures.Point] = {}
    families: dict[str, list[str]] = {}
    for key in sorted(groups):
        families.setdefault(key.partition(":")[0], []).append(key)
    head = _Cell(
        (region.numerator, region.denominator, region.raw_value)
        if region is not None
        else (None, None, None)
    )
    head.num_masked = region is not None and region.numerator_masked
    head.den_masked = region is not None and region.denominator_masked
    for keys in families.values():
        points = [groups[k] for k in keys]
        statistic = all(p.unit in STATISTIC_UNITS for p in points)
        cells = [_Cell((p.numerator, p.denominator, p.raw_value)) for p in points]
        if region is None:
            for c in cells:
                c.num_masked = c.den_masked = True
        else:
            _protect(statistic, cells, head)
        for k, p, c in zip(keys, points, cells, strict=True):
            found[k] = replace(
                p,
                numerator_hidden=p.numerator is not None and c.num_masked,
                denominator_hidden=p.denominator is not None and c.den_masked,
            )
    return found


def subgroup_label(key: str) -> str:
    """The Dutch (active language) label of a subgroup key such as ``dx:cancer``."""
    from palliare.consultations.constants import Urgency
    from palliare.patients.constants import DiagnosisGroup, PlaceOfDeath

    kind, _sep, code = key.partition(":")
    labels: dict[str, Any] = {
        "dx": dict(DiagnosisGroup.choices),
        "place": dict(PlaceOfDeath.choices),
        "urgency": dict(Urgency.choices),
        "hours": {"office": _("Office hours"), "out": _("Out of hours")},
        "setting": {
            "home": _("Died at home"),
            "intramural": _("Died in a hospital, hospice or nursing home"),
        },
    }
    if kind == "age":
        return f"{_('Age')} {code}"
    return str(labels.get(kind, {}).get(code, code))
