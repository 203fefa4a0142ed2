"""The "who looked at my record" report (NEN 7513): every access-log event about one patient,
readable for the patient — as a page, CSV and PDF for the privacy officer, and for the patient's
lead practitioner or GP to show the patient (right of inspection).

Page and PDF group repeated identical events — the same person, organisation, role, action,
legal ground and outcome on the same day — into one line with a count and the first and last
time, in the database: a patient whose record was read 5,000 times by one system in a day is one
line, not 5,000 (the PDF of such a log took 155 s). The PDF holds at most
:data:`PDF_MAX_LINES` lines and says so; the CSV lists every event.

The report lives with the access log it reads (issue 19 item 15; it was in ``acute``). The audit
app depends on no domain app, so the report reaches its subject, the patient, through
:class:`Subjects`, which the register (``patients``) provides at start-up: the lookup by BSN,
the privacy officer's opening and the practitioner's opening, each with its access rule and its
own access-log event."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db.models import BooleanField, Case, Count, Max, Min, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncDate
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from palliare.accounts.actors import Actor
from palliare.accounts.models import Role
from palliare.ui.spreadsheets import spreadsheet_cell

from . import labels as audit_labels
from . import services as audit
from .constants import AuditAction, AuditOutcome, AuditPurpose
from .models import AuditEvent

PURPOSE_LABELS = dict(AuditPurpose.choices)
OUTCOME_LABELS = dict(AuditOutcome.choices)

#: The PDF lists at most this many (grouped) lines, newest first, and says how many more the
#: CSV holds: WeasyPrint lays out about 30 table rows a second here (150 lines: about 6 s).
PDF_MAX_LINES = 150

#: Who may produce a patient's report besides the privacy officer, logged with the report.
AS_LEAD_PRACTITIONER, AS_GP_PRACTICE = "lead_practitioner", "gp_practice"

#: Lines per page of the report page.
REPORT_PER_PAGE = 100


class Subject(Protocol):
    """Whose report it is: what the page and the PDF show of the patient."""

    @property
    def pk(self) -> Any: ...
    @property
    def full_name(self) -> str: ...
    @property
    def date_of_birth(self) -> dt.date | None: ...
    @property
    def bsn(self) -> str: ...


@dataclass(frozen=True)
class Subjects:
    """How the report reaches its subject; provided by the register (``patients``).

    - ``find_field``: the form field for the privacy officer's lookup (a BSN);
    - ``find``: the lookup (actor, BSN) → the patient or None, logged found or not;
    - ``for_privacy_officer``: (actor, pk) → the patient (any patient; 404 if missing);
    - ``for_practitioner``: (actor, pk) → the patient and how the actor produces it
      (:data:`AS_LEAD_PRACTITIONER` or :data:`AS_GP_PRACTICE`); 404, logged, for anyone else.
    """

    find_field: Callable[[], forms.Field]
    find: Callable[[Actor, str], Subject | None]
    for_privacy_officer: Callable[[Actor, int], Subject]
    for_practitioner: Callable[[Actor, int], tuple[Subject, str]]


_subjects: list[Subjects] = []


def register_subjects(subjects: Subjects) -> None:
    """Called once, by the register at start-up (``PatientsConfig.ready``)."""
    _subjects[:] = [subjects]


def subjects() -> Subjects:
    if not _subjects:
        raise ImproperlyConfigured("No app provides the subjects of the access report.")
    return _subjects[0]


#: The fields a group of identical events shares (one line of the page and the PDF).
GROUP_FIELDS = (
    "day",
    "actor_user_id",
    "actor_name",
    "actor_client_id",
    "organization_name",
    "role",
    "event_type",
    "action",
    "purpose",
    "reason",
    "outcome",
    "on_behalf_of_name",
    "listed",
    "version",
)


@dataclass(frozen=True)
class ReportRow:
    """One line of the access report: one event, or a group of identical ones on one day."""

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
    count: int = 1

    @property
    def sentence(self) -> str:
        """The line as one sentence for the patient: "<who> (<role>, <organisation>) <what>",
        the what a phrase in one tense ("heeft het dossier geopend")."""
        role = self.role[:1].lower() + self.role[1:] if self.role[1:2].islower() else self.role
        about = ", ".join(part for part in (role, self.organization) if part)
        who = self.who or self.organization
        if about and about != who:
            who = gettext("%(who)s (%(about)s)") % {"who": who, "about": about}
        return f"{who} {self.what}".strip()


def events_for(patient: Subject) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.for_patient(patient.pk).order_by("-occurred_at", "-sequence")


def grouped_for(patient: Subject) -> QuerySet[Any]:
    """The patient's events grouped per day and identical content (one query; paginate it),
    newest group first. Each row is a dict of :data:`GROUP_FIELDS` with ``n`` (how many),
    ``first`` and ``last`` (times)."""
    groups: QuerySet[Any] = (
        AuditEvent.objects.for_patient(patient.pk)
        .annotate(
            day=TruncDate("occurred_at", tzinfo=timezone.get_current_timezone()),
            listed=Case(
                When(Q(patient_id=patient.pk), then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            ),
            version=KeyTextTransform("version", "details"),
        )
        .order_by()
        .values(*GROUP_FIELDS)
        .annotate(n=Count("pk"), first=Min("occurred_at"), last=Max("occurred_at"))
        .order_by("-last", "-day", "event_type", "actor_name")
    )
    return groups


def _role_labels() -> dict[str, str]:
    return {role.code: role.label for role in Role.objects.all()}


def _what(event_type: str, action: str, version: object, in_list: bool) -> str:
    text = audit_labels.label(event_type, action)
    if version:
        text = gettext("%(what)s (version %(n)s)") % {"what": text, "n": version}
    if in_list:
        text = gettext("%(what)s (in a list of patients)") % {"what": text}
    return text


def _stamp(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{date_format(local, 'SHORT_DATE_FORMAT')} {local:%H:%M:%S}"


def _row(
    values: Mapping[str, Any],
    roles: dict[str, str],
    *,
    when: str,
    count: int,
    for_patient: bool = False,
) -> ReportRow:
    outcome = values["outcome"]
    # The version of a record (a care plan, meeting minutes) helps the privacy officer find
    # the record; the patient's report leaves that internal number out.
    version = None if for_patient else values["version"]
    return ReportRow(
        when=when,
        who=values["actor_name"] or values["actor_client_id"],
        organization=values["organization_name"],
        role=roles.get(values["role"], values["role"]),
        what=_what(values["event_type"], values["action"], version, values["listed"]),
        on_behalf_of=values["on_behalf_of_name"],
        legal_ground=str(PURPOSE_LABELS.get(values["purpose"], values["purpose"])),
        emergency_reason=values["reason"] if values["purpose"] == AuditPurpose.EMERGENCY else "",
        outcome=""
        if outcome == AuditOutcome.SUCCESS
        else str(OUTCOME_LABELS.get(outcome, outcome)),
        in_list=values["listed"],
        count=count,
    )


def grouped_rows(
    groups: Iterable[Mapping[str, Any]], *, for_patient: bool = False
) -> Iterator[ReportRow]:
    """Lines of the page and the PDF: a group's time is its one moment, or first – last.
    ``for_patient``: the lines the patient reads (the PDF, the page a practitioner shows the
    patient), without internal version numbers."""
    roles = _role_labels()
    for group in groups:
        first, last = group["first"], group["last"]
        when = _stamp(last)
        if group["n"] > 1:
            end = timezone.localtime(last).strftime("%H:%M:%S")
            when = f"{_stamp(first)} – {end}"
        yield _row(group, roles, when=when, count=group["n"], for_patient=for_patient)


def rows(events: Iterable[AuditEvent], patient_id: int) -> Iterator[ReportRow]:
    """One line per event (the CSV)."""
    roles = _role_labels()
    for event in events:
        values = {
            "actor_name": event.actor_name,
            "actor_client_id": event.actor_client_id,
            "organization_name": event.organization_name,
            "role": event.role,
            "event_type": event.event_type,
            "action": event.action,
            "version": (event.details or {}).get("version"),
            "listed": event.patient_id != patient_id,
            "on_behalf_of_name": event.on_behalf_of_name,
            "purpose": event.purpose,
            "reason": event.reason,
            "outcome": event.outcome,
        }
        yield _row(values, roles, when=_stamp(event.occurred_at), count=1)


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


def patient_header() -> list[str]:
    """The columns of the patient's report: who did what in one sentence."""
    return [
        gettext("When"),
        gettext("What happened"),
        gettext("On behalf of"),
        gettext("Legal ground"),
        gettext("Emergency access reason"),
        gettext("Outcome"),
    ]


def as_csv(patient: Subject) -> str:
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


def pdf_context(patient: Subject) -> dict[str, Any]:
    """What the PDF shows: at most :data:`PDF_MAX_LINES` grouped lines (two queries for the
    lines and their total, one for the role names), and how many it leaves out."""
    groups = grouped_for(patient)
    shown = list(grouped_rows(groups[:PDF_MAX_LINES], for_patient=True))
    total = len(shown) if len(shown) < PDF_MAX_LINES else groups.count()
    return {
        "patient": patient,
        "rows": shown,
        "total_lines": total,
        "left_out": total - len(shown),
        "made_at": timezone.localtime(),
    }


def as_pdf(patient: Subject) -> bytes:
    from weasyprint import HTML

    with translation.override("nl"):
        html = render_to_string("audit/access_report_print.html", pdf_context(patient))
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def record_report(
    actor: Actor, patient: Subject, *, export: str = "", requested_as: str = ""
) -> None:
    """Viewing or exporting the report is itself an access, with its own legal ground (the
    patient's privacy rights), and says whether a practitioner produced it for the patient."""
    details = {"format": export} if export else {}
    if requested_as:
        details["requested_as"] = requested_as
    audit.record(
        "acute.access_report_exported" if export else "acute.access_report_read",
        actor=actor,
        action=AuditAction.READ,
        patient_id=patient.pk,
        purpose=AuditPurpose.PRIVACY_REVIEW,
        details=details,
    )
