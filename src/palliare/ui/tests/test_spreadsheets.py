"""Every export writes its cells through one function: text that a spreadsheet would run as a
formula gets a leading quote (CSV/XLSX injection); numbers stay numbers in an XLSX."""

from __future__ import annotations

import pytest

from palliare.ui.spreadsheets import spreadsheet_cell, xlsx_value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+31", "'+31"),
        ("-1", "'-1"),
        ("@SUM", "'@SUM"),
        ("Alle", "Alle"),
        (None, ""),
        (True, "true"),
    ],
)
def test_spreadsheet_cell(value, expected):
    assert spreadsheet_cell(value) == expected


def test_xlsx_values_keep_numbers_and_neutralise_formulas():
    assert xlsx_value("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert xlsx_value("@SUM") == "'@SUM" and xlsx_value("-1+1") == "'-1+1"
    assert xlsx_value("Assen") == "Assen" and xlsx_value(5) == 5
