"""Cells that are safe to open in a spreadsheet (CSV/XLSX formula injection): every export of
Palliare writes its cells through these, so a name like ``=HYPERLINK(…)`` stays text."""

from __future__ import annotations

from typing import Any

#: Characters that make a spreadsheet cell a formula (or DDE): such text gets a leading quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> str:
    """A cell as text (CSV): text that looks like a formula gets a quote; booleans are
    ``true``/``false``; None is empty."""
    text = "" if value is None else str(value)
    if isinstance(value, bool):
        text = "true" if value else "false"
    return "'" + text if text.startswith(FORMULA_START) else text


def xlsx_value(value: Any) -> Any:
    """A value for an XLSX cell: numbers, dates and None stay what they are (so the sheet can
    compute with them), text goes through :func:`spreadsheet_cell`."""
    return spreadsheet_cell(value) if isinstance(value, str) else value
