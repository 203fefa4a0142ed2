"""The scenario figures as XLSX: a sheet with every parameter and its source side by side, and
a sheet per scenario with every subregion and year. Text cells go through
``palliare.ui.spreadsheets`` (no formula injection from a scenario name or a source text);
deaths pass the same small-number suppression as on the page."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from palliare.monitoring import suppression
from palliare.ui.spreadsheets import xlsx_value

from .figures import ScenarioResult
from .parameters import PARAMETERS
from .tables import parameter_text


def _deaths(value: float) -> int | str:
    rounded = round(value)
    return suppression.count_text(rounded) if suppression.is_small(rounded) else rounded


def _sheet_title(name: str, used: set[str]) -> str:
    cleaned = "".join(c for c in name if c not in "[]:*?/\\")[:28] or "Scenario"
    title, n = cleaned, 2
    while title in used:
        title = f"{cleaned[:25]} {n}"
        n += 1
    used.add(title)
    return title


def scenarios_xlsx(results: list[ScenarioResult]) -> bytes:
    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Parameters")[:31]
    header = [_("Parameter")]
    for r in results:
        header += [
            f"{r.scenario.name} v{r.version.version}",
            _("Source"),
        ]
    sheet.append([xlsx_value(h) for h in header])
    for p in PARAMETERS:
        line: list[object] = [str(p.label)]
        for r in results:
            line += [
                parameter_text(p, str(r.version.values.get(p.key, ""))),
                str(r.version.sources.get(p.key, "")),
            ]
        sheet.append([xlsx_value(v) for v in line])
    for cell in sheet[1]:
        cell.font = bold

    used = {sheet.title}
    for r in results:
        ws = book.create_sheet(_sheet_title(r.scenario.name, used))
        ws.append(
            [
                xlsx_value(h)
                for h in [
                    _("Area"),
                    _("Year"),
                    _("CBS or projected"),
                    _("Deaths"),
                    _("Deaths in a hospice"),
                    _("Hospice beds needed"),
                    _("Hospice beds in the directory"),
                    _("Beds short (+) or to spare (−)"),
                    _("Specialists needed"),
                    _("Specialists available"),
                ]
            ]
        )
        for area in r.all_areas:
            for year in sorted(area.years):
                f = area.years[year]
                gap = area.beds_gap(year)
                ws.append(
                    [
                        xlsx_value(area.area.name),
                        year,
                        xlsx_value(_("CBS") if f.observed else _("projected")),
                        _deaths(f.deaths),
                        _deaths(f.hospice_deaths),
                        round(f.beds_needed, 2),
                        area.area.hospice_beds,
                        round(gap, 2) if gap is not None else None,
                        round(f.specialists_needed, 2),
                        f.specialists_available,
                    ]
                )
        for cell in ws[1]:
            cell.font = bold
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
