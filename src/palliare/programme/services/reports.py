"""The annual report: the coordinator writes the narrative; issuing freezes a PDF and a DOCX."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit.constants import AuditAction

from .. import annual_report
from ..models import AnnualReport, IssuedReport
from .common import ensure, log


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Choose a year between 2000 and 2100.")})


@transaction.atomic
def save_report_narrative(actor: Actor, year: int, texts: Mapping[str, str]) -> AnnualReport:
    """Write the narrative sections of a year's annual report (draft)."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    _check_year(year)
    keys = {key for key, _label in annual_report.NARRATIVE}
    if set(texts) - keys:
        raise ValidationError(_("Unknown section."))
    report, _created = AnnualReport.objects.get_or_create(year=year)
    report.narrative = {k: v.strip() for k, v in texts.items()}
    report.updated_by_name = actor.audit_name
    report.save()
    log("programme.annual_report_saved", actor, report, year=year)
    return report


@transaction.atomic
def issue_report(actor: Actor, year: int) -> IssuedReport:
    """Issue the year's annual report: assemble it now and keep its PDF and DOCX unchanged."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    _check_year(year)
    report, _created = AnnualReport.objects.select_for_update().get_or_create(year=year)
    assembled = annual_report.assemble(report)
    last = report.issued.aggregate(m=Max("number"))["m"] or 0
    issued = IssuedReport.objects.create(
        report=report,
        number=last + 1,
        issued_by_name=actor.audit_name,
        pdf=annual_report.to_pdf(assembled),
        docx=annual_report.to_docx(assembled),
    )
    log("programme.annual_report_issued", actor, issued, AuditAction.CREATE, year=year)
    return issued
