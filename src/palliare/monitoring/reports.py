"""The periodic regional report (quarter or year): a PDF (WeasyPrint) with a one-page summary
for the steering group, a chart and table per KPI and a methods appendix listing every
calculation rule and definition version; and an XLSX with all figures. Both are stored
unchanged with the figures they showed, so a later recomputation can mark them revised."""

from __future__ import annotations

import base64
import io
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction
from palliare.ui.spreadsheets import xlsx_value

from . import charts, figures, formatting, suppression
from .constants import AreaType, Unit
from .models import IssuedReport
from .periods import Period


def _content(period: Period) -> dict[str, Any]:
    region = figures.default_region()
    if region is None:
        return {"rows": [], "subregions": [], "period": period}
    definitions = figures.current_definitions()
    rows = figures.dashboard(AreaType.REGION, region.pk, period=period, definitions=definitions)
    subs = figures.subregions(region)
    per_sub = {
        s.pk: {
            r.definition.pk: r
            for r in figures.dashboard(
                AreaType.SUBREGION, s.pk, period=period, definitions=definitions
            )
        }
        for s in subs
    }
    return {
        "region": region,
        "rows": rows,
        "subregions": subs,
        "per_sub": per_sub,
        "period": period,
        "context": figures.context_for(AreaType.REGION, region.pk, [period.start.year]).get(
            period.start.year
        ),
    }


def render_pdf(content: dict[str, Any], *, issued_at: Any, issued_by: str) -> bytes:
    from weasyprint import HTML

    kpis = []
    for row in content["rows"]:
        svg = ""
        if row.trend:
            svg = base64.b64encode(
                charts.to_svg(charts.trend_spec(row, width=charts.WIDTH)).encode()
            ).decode()
        subs = [(s, content["per_sub"][s.pk].get(row.definition.pk)) for s in content["subregions"]]
        kpis.append({"row": row, "svg": svg, "subs": subs})
    html = render_to_string(
        "monitoring/pdf/report.html",
        {
            **content,
            "kpis": kpis,
            "issued_at": issued_at,
            "issued_by": issued_by,
            "min_count": suppression.min_count(),
            "min_denominator": suppression.min_denominator(),
        },
    )
    return bytes(HTML(string=html).write_pdf())


#: The columns of the figures sheet (1-based) holding counts, and values in the KPI's unit.
_COUNT_COLUMNS = (6, 7)
_VALUE_COLUMNS = (8, 11, 12)
_INTERVAL_COLUMNS = (9, 10)


def _count_cell(point: figures.Point, name: str) -> int | str:
    """A count as a number the sheet can sum, or its published mark ("<5", "•", "—") as text
    when it is masked."""
    count = getattr(point, name)
    if count is None or point.withheld or getattr(point, f"{name}_masked"):
        return str(getattr(point, f"{name}_text"))
    return int(formatting.rounded(count, 0))


def _number_formats(cells: Any, unit: str) -> None:
    """Show each number with the decimals of the pages; the cell keeps the full value."""
    for index in _COUNT_COLUMNS:
        cells[index - 1].number_format = "#,##0"
    for index in _VALUE_COLUMNS:
        cells[index - 1].number_format = formatting.xlsx_number_format(unit)
    for index in _INTERVAL_COLUMNS:
        cells[index - 1].number_format = formatting.xlsx_number_format(Unit.PERCENT)


def render_xlsx(content: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Figures")[:31]
    header = [
        _("Number"),
        _("KPI"),
        _("Version"),
        _("Area"),
        _("Period"),
        _("Numerator"),
        _("Denominator"),
        _("Value"),
        _("95% interval from"),
        _("95% interval to"),
        _("Target"),
        _("Baseline 2022–2024"),
    ]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    areas = [(content.get("region"), {r.definition.pk: r for r in content["rows"]})]
    areas += [(s, content["per_sub"][s.pk]) for s in content["subregions"]]
    for row in content["rows"]:
        unit = row.version.unit
        for area, rows in areas:
            r = rows.get(row.definition.pk)
            p = r.latest if r else None
            ci = p.ci if p else None
            baseline = r.baseline.value if r and r.baseline else None
            sheet.append(
                [
                    xlsx_value(v)
                    for v in [
                        row.version.number,
                        row.version.name,
                        row.version.version,
                        area.name if area else "",
                        content["period"].display,
                        _count_cell(p, "numerator") if p and p.numerator is not None else "",
                        _count_cell(p, "denominator") if p else "",
                        p.value if p and p.value is not None else "",
                        ci[0] if ci else "",
                        ci[1] if ci else "",
                        float(row.target.value) if row.target else "",
                        baseline if baseline is not None else "",
                    ]
                ]
            )
            _number_formats(sheet[sheet.max_row], unit)
    methods = book.create_sheet(_("Methods")[:31])
    methods.append(
        [
            _("Number"),
            _("KPI"),
            _("Version"),
            _("Numerator"),
            _("Denominator"),
            _("Inclusions"),
            _("Exclusions"),
            _("Period"),
            _("Reference date"),
            _("Source"),
            _("Calculation rule"),
        ]
    )
    for cell in methods[1]:
        cell.font = Font(bold=True)
    for row in content["rows"]:
        v = row.version
        methods.append(
            [
                xlsx_value(x)
                for x in [
                    v.number,
                    v.name,
                    v.version,
                    v.numerator,
                    v.denominator,
                    v.inclusions,
                    v.exclusions,
                    v.period,
                    v.reference_date,
                    v.get_source_display(),
                    v.rule,
                ]
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The raw figures a report showed, by KPI version, area and period (for "herzien")."""
    found = []
    areas = (
        [(AreaType.REGION, content["region"].pk, {r.definition.pk: r for r in content["rows"]})]
        if content.get("region")
        else []
    )
    areas += [(AreaType.SUBREGION, s.pk, content["per_sub"][s.pk]) for s in content["subregions"]]
    for area_type, area_id, rows in areas:
        for r in rows.values():
            if r.latest is None:
                continue
            found.append(
                {
                    "version": r.version.pk,
                    "area_type": area_type,
                    "area_id": area_id,
                    "period_type": r.latest.period.type,
                    "period_start": r.latest.period.start.isoformat(),
                    "subgroup": "",
                    "value": r.latest.raw_value,
                }
            )
    return found


@transaction.atomic
def issue(actor: Actor, period: Period) -> IssuedReport:
    """Issue the regional report for ``period`` (ISSUE_REPORTS): render and store PDF and XLSX
    with the figures they show."""
    if not actor.has(Permission.ISSUE_REPORTS):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    assert actor.user is not None
    content = _content(period)
    now = timezone.now()
    title = _("Regional report %(period)s") % {"period": period.display}
    report = IssuedReport.objects.create(
        period_type=period.type,
        period_start=period.start,
        title=title,
        pdf=render_pdf(content, issued_at=now, issued_by=actor.audit_name),
        xlsx=render_xlsx(content),
        figures=snapshot(content),
        issued_by=actor.user,
        issued_by_name=actor.audit_name,
        issued_at=now,
    )
    audit.record(
        "monitoring.report_issued",
        actor=actor,
        action=AuditAction.CREATE,
        subject=report,
        details={"period": period.key},
    )
    return report
