"""Template filters writing monitoring figures through :mod:`palliare.monitoring.formatting`,
the one rounding rule of every exit."""

from __future__ import annotations

from decimal import Decimal

from django import template

from palliare.monitoring import formatting

register = template.Library()


@register.filter
def kpi_value(value: float | Decimal | None, unit: str) -> str:
    """A value in a KPI's unit and decimals: ``{{ target.value|kpi_value:version.unit }}``."""
    return formatting.format_value(value, unit)


@register.filter
def kpi_number(value: float | Decimal | None, places: int) -> str:
    """A number rounded half up to ``places`` decimals: ``{{ ci.0|kpi_number:1 }}``."""
    if value is None or value == "":
        return "—"
    return formatting.number_text(value, int(places))
