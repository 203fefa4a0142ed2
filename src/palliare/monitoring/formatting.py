"""How a KPI's figures are written: the one rounding rule (half up, to the KPI's number of
decimals) and the one text for every exit — pages, PDF, the annual report, chart labels — so
no two of them disagree. The XLSX keeps the full value with a number format showing the same
decimals (:func:`xlsx_number_format`).

Django's ``number_format`` cuts a float's decimals off (29.17 → "29,1") and Python's
``round`` rounds half to even; both are avoided here: the value is rounded as a ``Decimal``
from its shortest representation (what a spreadsheet shows), half up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .constants import Unit

#: The number of decimals a KPI's value is published with, by unit.
DECIMALS: dict[str, int] = {
    Unit.PERCENT: 1,
    Unit.DAYS: 0,
    Unit.MINUTES: 0,
    Unit.COUNT: 0,
}


def decimals(unit: str) -> int:
    return DECIMALS.get(unit, 0)


def rounded(value: float | Decimal, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimals (29.1666… → 29.2, 346.5 → 347)."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number_text(value: float | Decimal, places: int) -> str:
    """A number in the active language's format, rounded half up, with thousands separators
    (5508 → "5.508" in Dutch)."""
    return str(number_format(rounded(value, places), places, use_l10n=True, force_grouping=True))


def format_value(value: float | Decimal | None, unit: str) -> str:
    """A KPI's value as published, with its unit: "29,2%", "25 dagen", "347 min", "5.508"; a
    number and its unit are joined by a no-break space."""
    if value is None:
        return "—"
    places = decimals(unit)
    number = number_text(value, places)
    if unit == Unit.PERCENT:
        return f"{number}%"
    if unit == Unit.DAYS:
        return _keep_together(
            ngettext("%(number)s day", "%(number)s days", int(rounded(value, places)) or 2)
            % {"number": number}
        )
    if unit == Unit.MINUTES:
        return _keep_together(_("%(number)s min") % {"number": number})
    return number


def _keep_together(text: str) -> str:
    """A number and its unit never split over two lines (a no-break space between them)."""
    return text.replace(" ", "\N{NO-BREAK SPACE}")


def chart_value(value: float | None, unit: str) -> float | None:
    """A value for a chart's data: rounded by the same rule as its text."""
    return float(rounded(value, decimals(unit))) if value is not None else None


def xlsx_number_format(unit: str) -> str:
    """The XLSX number format showing a KPI's value with its published decimals."""
    places = decimals(unit)
    return "#,##0" + ("." + "0" * places if places else "")
