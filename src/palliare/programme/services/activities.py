"""The activity plan: rows in seed 001's form, their status, carrying unfinished rows to the
next year, and the exports (XLSX with formula-like cells neutralised, PDF)."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit.constants import AuditAction
from palliare.ui.spreadsheets import spreadsheet_cell

from ..constants import UNFINISHED_ACTIVITY, ActivityStatus
from ..models import ActivityRow
from .common import ensure, log

FIELDS = ("theme", "subject", "goal", "action_and_result", "by_whom", "network", "timeline")


@transaction.atomic
def save_activity(
    actor: Actor, row: ActivityRow | None = None, *, year: int, **values: Any
) -> ActivityRow:
    """Add or change a row of a year's activity plan."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Choose a year between 2000 and 2100.")})
    if values.get("status", ActivityStatus.PLANNED) not in ActivityStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    target = row or ActivityRow(year=year)
    if row is None:
        last = ActivityRow.objects.filter(year=year).aggregate(m=Max("position"))["m"] or 0
        target.position = last + 1
    for name, value in values.items():
        setattr(target, name, value.strip() if isinstance(value, str) else value)
    target.full_clean()
    target.save()
    log(
        "programme.activity_saved",
        actor,
        target,
        AuditAction.UPDATE if row else AuditAction.CREATE,
        year=year,
    )
    return target


@transaction.atomic
def carry_over(actor: Actor, year: int) -> list[ActivityRow]:
    """Copy the year's unfinished rows (planned, in progress) to the next year, once each."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    already = set(
        ActivityRow.objects.filter(year=year + 1, carried_from__isnull=False).values_list(
            "carried_from_id", flat=True
        )
    )
    last = ActivityRow.objects.filter(year=year + 1).aggregate(m=Max("position"))["m"] or 0
    created = []
    for source in ActivityRow.objects.filter(year=year, status__in=UNFINISHED_ACTIVITY).exclude(
        pk__in=already
    ):
        last += 1
        created.append(
            ActivityRow.objects.create(
                year=year + 1,
                **{f: getattr(source, f) for f in FIELDS},
                status=source.status,
                deliverable=source.deliverable,
                link=source.link,
                carried_from=source,
                position=last,
            )
        )
    for row in created:
        log("programme.activity_carried_over", actor, row, AuditAction.CREATE, year=year)
    return created


def header() -> list[str]:
    return [
        gettext("Theme"),
        gettext("Subject"),
        gettext("Goal"),
        gettext("Action and result"),
        gettext("By whom"),
        gettext("Which network"),
        gettext("Timeline"),
        gettext("Status"),
    ]


def rows_of(year: int) -> list[list[str]]:
    return [
        [*(getattr(r, f) for f in FIELDS), str(r.get_status_display())]
        for r in ActivityRow.objects.filter(year=year).order_by("position", "pk")
    ]


def to_xlsx(year: int) -> bytes:
    """The year's activity plan as an Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet: Any = book.active
    sheet.title = gettext("Activity plan %(year)s") % {"year": year}
    sheet.append(header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows_of(year):
        sheet.append([spreadsheet_cell(v) for v in row])
    for column, width in zip("ABCDEFGH", (20, 24, 40, 50, 28, 14, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(year: int, network: str) -> bytes:
    """The year's activity plan as a landscape PDF."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string(
        "programme/pdf/activity_plan.html",
        {"year": year, "network": network, "header": header(), "rows": rows_of(year)},
    )
    return bytes(HTML(string=html).write_pdf())
