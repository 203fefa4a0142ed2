"""Where a KPI's figures come from: the registry of calculation rules and sources.

Computed KPIs name a rule registered here by :mod:`palliare.monitoring.rules` (one function per
rule). KPIs delivered by organisations or taken from the programme name a *source*, which the
app that owns those figures registers after it is merged::

    from palliare.monitoring import sources

    sources.register("delivered", compute_delivered)   # in the deliveries app's ready()

A source function gets the KPI version's ``rule`` key (which data element or milestone) and the
period, and returns :class:`Figure` rows. Until a source is registered its KPIs show "nog geen
aanleveringen" (no deliveries yet) and are skipped by recomputation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .periods import Period


@dataclass(frozen=True)
class Figure:
    """One value of a KPI over an area, period and subgroup, before it is stored."""

    area_type: str
    area_id: int
    subgroup: str
    numerator: float | None
    denominator: float | None
    value: float | None


@dataclass
class Cell:
    """Accumulates counts (and, for medians, a distribution) while rolling groups up."""

    numerator: float = 0
    denominator: float = 0
    distribution: Counter[int] = field(default_factory=Counter)


RuleFn = Callable[[Period], Iterable[Figure]]
SourceFn = Callable[[str, Period], Iterable[Figure]]

_RULES: dict[str, RuleFn] = {}
_SOURCES: dict[str, SourceFn] = {}


def rule(key: str) -> Callable[[RuleFn], RuleFn]:
    """Register a computed KPI's calculation rule under ``key`` (KpiVersion.rule)."""

    def decorator(fn: RuleFn) -> RuleFn:
        _RULES[key] = fn
        return fn

    return decorator


def register(source: str, fn: SourceFn) -> None:
    """Register the function that supplies figures for KPIs of ``source`` ("delivered",
    "milestone"). Registering again replaces the function."""
    _SOURCES[source] = fn


def unregister(source: str) -> None:
    _SOURCES.pop(source, None)


def get_rule(key: str) -> RuleFn | None:
    from . import rules  # noqa: F401 (registers the rules)

    return _RULES.get(key)


def rule_keys() -> list[str]:
    from . import rules  # noqa: F401

    return sorted(_RULES)


def get_source(source: str) -> SourceFn | None:
    return _SOURCES.get(source)
