"""The annual report's sections: a registry other apps add to from their own
``report_sections.py`` (trainings, events, monitoring KPIs), so this app depends on none of
them. A section gets the year and returns a :class:`ReportSection` or None (nothing to say)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass
class ReportSection:
    """A block of the annual report: a title, paragraphs, and an optional table."""

    key: str
    title: str | Promise
    paragraphs: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    order: int = 100


Provider = Callable[[int], ReportSection | None]
_PROVIDERS: dict[str, tuple[int, Provider]] = {}


def register(key: str, *, order: int = 100) -> Callable[[Provider], Provider]:
    """Register ``provider(year) -> ReportSection | None`` under ``key``."""

    def decorator(provider: Provider) -> Provider:
        _PROVIDERS[key] = (order, provider)
        return provider

    return decorator


def sections_for(year: int) -> list[ReportSection]:
    """Every registered section with something to say about ``year``, in order."""
    found = []
    for order, provider in sorted(_PROVIDERS.values(), key=lambda p: p[0]):
        section = provider(year)
        if section is not None:
            section.order = order
            found.append(section)
    return found
