"""Amounts in euros, as the programme pages show them: "€ 1.500,00" with a non-breaking space,
so the sign never ends up on another line than the number."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

NBSP = "\u00a0"


def euro(value: Decimal | int | float | None) -> str:
    """Format an amount with two decimals and grouping; empty for no amount."""
    if value is None or value == "":
        return ""
    return f"€{NBSP}{number_format(value, 2, force_grouping=True)}"


register.filter("euro", euro)
