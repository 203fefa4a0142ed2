"""The "who looked at my record" report (NEN 7513): every access-log event about one patient,
readable for the patient — as a page, CSV and PDF for the privacy officer."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from palliare.accounts.actors import Actor
from palliare.accounts.models import Role
from palliare.audit import labels as audit_labels
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.audit.models import AuditEvent
from palliare.capacity.directory_csv import spreadsheet_cell
from palliare.patients.models import Patient

PURPOSE_LABELS = dict(AuditPurpose.choices)


@dataclass(frozen=True)
class ReportRow:
    """One line of the access report."""

    when: str
    who: str
    organization: str
    role: str
    what: str
    on_behalf_of: str
    legal_ground: str
    emergency_reason: str
    outcome: str
    in_list: bool


def events_for(patient: Patient) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.for_patient(patient.pk).order_by("-occurred_at", "-sequence")


def _role_labels() -> dict[str, str]:
    return {role.code: role.label for role in Role.objects.all()}


def _what(event: AuditEvent, patient_id: int) -> str:
    text = audit_labels.label(event.event_type, event.action)
    version = (event.details or {}).get("version")
    if version:
        text = gettext("%(what)s (version %(n)s)") % {"what": text, "n": version}
    return text


def rows(events: Iterable[AuditEvent], patient_id: int) -> Iterator[ReportRow]:
    roles = _role_labels()
    for event in events:
        in_list = event.patient_id != patient_id
        what = _what(event, patient_id)
        if in_list:
            what = gettext("%(what)s (in a list of patients)") % {"what": what}
        yield ReportRow(
            when=timezone.localtime(event.occurred_at).strftime("%d-%m-%Y %H:%M:%S"),
            who=event.actor_name or event.actor_client_id,
            organization=event.organization_name,
            role=roles.get(event.role, event.role),
            what=what,
            on_behalf_of=event.on_behalf_of_name,
            legal_ground=str(PURPOSE_LABELS.get(event.purpose, event.purpose)),
            emergency_reason=event.reason if event.purpose == AuditPurpose.EMERGENCY else "",
            outcome="" if event.outcome == "success" else event.get_outcome_display(),
            in_list=in_list,
        )


def header() -> list[str]:
    return [
        gettext("When"),
        gettext("Who"),
        gettext("Organisation"),
        gettext("Role"),
        gettext("What"),
        gettext("On behalf of"),
        gettext("Legal ground"),
        gettext("Emergency access reason"),
        gettext("Outcome"),
    ]


def as_csv(patient: Patient) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header())
    for row in rows(events_for(patient).iterator(chunk_size=2000), patient.pk):
        # Free text (names, the emergency reason) may look like a formula: neutralised.
        writer.writerow(
            [
                spreadsheet_cell(value)
                for value in (
                    row.when,
                    row.who,
                    row.organization,
                    row.role,
                    row.what,
                    row.on_behalf_of,
                    row.legal_ground,
                    row.emergency_reason,
                    row.outcome,
                )
            ]
        )
    return buffer.getvalue()


def as_pdf(patient: Patient) -> bytes:
    from weasyprint import HTML

    with translation.override("nl"):
        html = render_to_string(
            "acute/access_report_print.html",
            {
                "patient": patient,
                "rows": list(rows(events_for(patient).iterator(chunk_size=2000), patient.pk)),
                "made_at": timezone.localtime(),
            },
        )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def record_report(actor: Actor, patient: Patient, *, export: str = "") -> None:
    """Viewing or exporting the report is itself an access, with its own legal ground."""
    audit.record(
        "acute.access_report_exported" if export else "acute.access_report_read",
        actor=actor,
        action=AuditAction.READ,
        patient_id=patient.pk,
        purpose=AuditPurpose.PRIVACY_REVIEW,
        details={"format": export} if export else {},
    )
