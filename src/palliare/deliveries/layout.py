"""The template's layout, declared once: writing it (XLSX with locked identification cells and
input validation, or CSV) and reading a filled one back (metadata + one row per element).

The identification (organisation, data set, version, period) sits in the first rows of the
data sheet itself, locked by sheet protection, so that it survives "Save as CSV" from Excel
(which keeps only the active sheet). Every text cell Palliare writes is neutralised against
formula injection (a leading quote, and stored as text).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl.worksheet.datavalidation import DataValidation

from palliare.ui.spreadsheets import spreadsheet_cell

from .constants import ValueType
from .files import DATA_SHEET, Formula, Table
from .periods import Period
from .schema import Definition, InputRow, RowError, format_value

# Labels of the identification rows (Dutch, as the template is Dutch) and of the header row.
ORGANIZATION = "Organisatie-id"
DATA_SET = "Gegevensset"
VERSION = "Versie"
PERIOD = "Periode"
DEADLINE = "Uiterste datum"
HEADER = ["Code", "Gegevenselement", "Eenheid", "Waarde", "Toegestaan", "Toelichting"]
CODE_COLUMN = 0
VALUE_COLUMN = 3
FIRST_DATA_ROW = 9  # 1-based: title, 5 identification rows, blank, header, then the elements
#: Not a secret: sheet protection only prevents changing the identification by accident.
SHEET_PASSWORD = "palliare"  # noqa: S105


@dataclass(frozen=True)
class TemplateInfo:
    """What a template is for."""

    organization_id: int
    organization_name: str
    data_set_code: str
    data_set_name: str
    version: int
    period: Period
    deadline: str
    definition: Definition


def _rows(info: TemplateInfo) -> list[list[object]]:
    rows: list[list[object]] = [
        [f"Aanlevering {info.data_set_name}", "", "", "", "", ""],
        [ORGANIZATION, info.organization_id, info.organization_name],
        [DATA_SET, info.data_set_code, info.data_set_name],
        [VERSION, info.version],
        [PERIOD, info.period.label],
        [DEADLINE, info.deadline],
        [],
        list(HEADER),
    ]
    for spec in info.definition.elements:
        rows.append(
            [
                spec.code,
                spec.name_nl,
                spec.unit,
                None,
                spec.describe() + ("" if spec.required else " " + _("(optional)")),
                spec.help_text,
            ]
        )
    return rows


def write_csv(info: TemplateInfo) -> bytes:
    """The template as Dutch Excel reads it: semicolons, UTF-8 with BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in _rows(info):
        writer.writerow([spreadsheet_cell(c) for c in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(info: TemplateInfo) -> bytes:
    """The template as an XLSX workbook: locked except the value column, with input validation
    per element and an explanation sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill, Protection

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = DATA_SHEET
    for r, cells in enumerate(_rows(info), start=1):
        for c, value in enumerate(cells, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str):
                cell.value = spreadsheet_cell(value)
                cell.data_type = "s"
            else:
                cell.value = value
    sheet["A1"].font = Font(bold=True, size=14)
    for c in range(1, len(HEADER) + 1):
        sheet.cell(row=FIRST_DATA_ROW - 1, column=c).font = Font(bold=True)
    widths = [30, 50, 14, 14, 32, 60]
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[chr(ord("A") + c - 1)].width = width
    fill = PatternFill("solid", fgColor="FFF4CC")
    for offset, spec in enumerate(info.definition.elements):
        row = FIRST_DATA_ROW + offset
        cell = sheet.cell(row=row, column=VALUE_COLUMN + 1)
        cell.protection = Protection(locked=False)
        cell.fill = fill
        validation = _validation(spec.value_type, spec.lowest, spec.highest)
        validation.error = _("Fill in: %(what)s.") % {"what": spec.describe()}
        validation.errorTitle = _("Value not allowed")
        validation.prompt = spec.describe()
        validation.showErrorMessage = True
        validation.showInputMessage = True
        sheet.add_data_validation(validation)
        validation.add(cell)
    sheet.protection.sheet = True
    sheet.protection.password = SHEET_PASSWORD
    sheet.protection.formatColumns = False
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=1)

    notes = workbook.create_sheet("Toelichting")
    lines = [
        _("How to fill in this template"),
        _("Fill in the yellow cells of the column Waarde only; the other cells are locked."),
        _("Type numbers, not formulas. Use a decimal comma or point; 0 if there were none."),
        _(
            "Do not change the rows at the top: they say for which organisation, period and "
            "version this template is. A template of another organisation, period or version is "
            "refused."
        ),
        _("Upload the file as .xlsx, or save it as CSV (semicolon separated) and upload that."),
        _("A file is taken whole or not at all. Errors are listed per row."),
    ]
    for r, line in enumerate(lines, start=1):
        cell = notes.cell(row=r, column=1, value=spreadsheet_cell(line))
        cell.data_type = "s"
    notes["A1"].font = Font(bold=True)
    notes.column_dimensions["A"].width = 110
    notes.protection.sheet = True
    notes.protection.password = SHEET_PASSWORD
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _validation(value_type: str, low: object, high: object) -> DataValidation:

    if value_type == ValueType.YES_NO:
        return DataValidation(type="list", formula1='"ja,nee"', allow_blank=True)
    kind = "whole" if value_type == ValueType.INTEGER else "decimal"
    if high is None:
        return DataValidation(
            type=kind, operator="greaterThanOrEqual", formula1=str(low), allow_blank=True
        )
    return DataValidation(
        type=kind, operator="between", formula1=str(low), formula2=str(high), allow_blank=True
    )


@dataclass
class Parsed:
    """What a filled template says: its identification and one input row per element."""

    organization_id: str = ""
    data_set_code: str = ""
    version: str = ""
    period: str = ""
    rows: list[InputRow] | None = None


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    text = str(cell).strip()
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text


def read_template(table: Table) -> tuple[Parsed, list[RowError]]:
    """The identification and element rows of a filled template. Errors are per row; a
    formula anywhere is refused on its row."""
    parsed = Parsed(rows=[])
    errors: list[RowError] = []
    header_row = 0
    labels = {
        ORGANIZATION.lower(): "organization_id",
        DATA_SET.lower(): "data_set_code",
        VERSION.lower(): "version",
        PERIOD.lower(): "period",
    }
    for number, row in enumerate(table.rows, start=1):
        if not row:
            continue
        first = _text(row[0]).rstrip(":").lower()
        if first in labels and len(row) > 1:
            if isinstance(row[1], Formula):
                errors.append(RowError(number, first, _("A formula is not allowed here.")))
                continue
            setattr(parsed, labels[first], _text(row[1]))
        if first == HEADER[0].lower() and any(_text(c).lower() == "waarde" for c in row):
            header_row = number
            break
    if not header_row or not (parsed.organization_id and parsed.data_set_code and parsed.period):
        errors.append(
            RowError(
                0,
                "",
                _(
                    "This file is not a Palliare template: the rows that say which organisation, "
                    "data set, version and period it is for are missing. Download the template "
                    "and fill it in."
                ),
            )
        )
        return parsed, errors
    header = [_text(c).lower() for c in table.rows[header_row - 1]]
    value_column = header.index("waarde")
    code_column = 0
    assert parsed.rows is not None
    for number, row in enumerate(table.rows[header_row:], start=header_row + 1):
        if not any(_text(c) for c in row):
            continue
        code = _text(row[code_column]) if len(row) > code_column else ""
        raw = row[value_column] if len(row) > value_column else None
        formulas = [c for i, c in enumerate(row) if isinstance(c, Formula) and i != value_column]
        if formulas:  # a formula in the value cell is refused with the value's own message
            errors.append(
                RowError(
                    number,
                    code[:50],
                    _(
                        "The cell “%(cell)s” is a formula. Formulas are not accepted: type the "
                        "number itself."
                    )
                    % {"cell": formulas[0].text[:40]},
                )
            )
        if not code:
            errors.append(
                RowError(number, "", _("This row has no code. Do not add or change rows."))
            )
            continue
        parsed.rows.append(InputRow(number, code, raw))
    return parsed, errors


def format_for_display(definition: Definition, code: str, value: object) -> str:
    from decimal import Decimal

    spec = definition.element(code)
    return format_value(value if isinstance(value, Decimal) else None, spec)


def deadline_text(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")
