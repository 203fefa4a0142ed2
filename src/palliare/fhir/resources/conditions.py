"""Condition (nl-core-Problem) ↔ ``patients.Problem``: a problem or diagnosis of the patient as
the sender recorded it (decision 0035). The codes are kept as sent — system, code and display,
never rewritten — with the text, type (category), status, verification status, start, end,
recorded date and one comment. Elements the zib does not hold are refused (422), not dropped.

The register's own diagnosis group (a Condition built from the patient, read only) is still
served by ``acp.handlers.ConditionHandler``; an id that names a problem is handled here."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from palliare.patients import access as patient_access
from palliare.patients.models import Patient, Problem, ProblemVersion
from palliare.patients.services import problems as problem_services

from .. import identity, services
from ..constants import NL_CORE_BASE
from ..context import FhirContext
from ..models import ResourceIdentity
from ..outcome import FhirError, Issue, issues_from_validation
from ..search import instant
from .base import (
    HistoryEntry,
    check_version,
    fit,
    gone,
    not_found,
    reference_to,
    resolve_reference,
    unprocessable,
    version_not_found,
)

TARGET = "patients.problem"
PROFILE = NL_CORE_BASE + "nl-core-Problem"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"

#: The elements a Condition may carry: what the zib Problem holds, plus identity and narrative.
KEPT = frozenset(
    {
        "resourceType",
        "id",
        "meta",
        "text",
        "language",
        "identifier",
        "clinicalStatus",
        "verificationStatus",
        "category",
        "code",
        "subject",
        "onsetDateTime",
        "abatementDateTime",
        "recordedDate",
        "note",
    }
)

PATHS = {
    "codes": "Condition.code",
    "categories": "Condition.category",
    "clinical_status": "Condition.clinicalStatus",
    "verification_status": "Condition.verificationStatus",
    "abatement": "Condition.abatementDateTime",
    "recorded": "Condition.recordedDate",
    "patient": "Condition.subject",
}


def problem_row(logical_id: str | None) -> ResourceIdentity | None:
    row = identity.find("Condition", logical_id) if logical_id else None
    return row if row is not None and row.target_type == TARGET else None


# --- reading -----------------------------------------------------------------------------------


def _codings(items: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: v for k, v in item.items() if v} for item in items]


def version_to_fhir(
    problem: Problem, version: ProblemVersion, row: ResourceIdentity | None
) -> dict[str, Any]:
    """One version of a problem as nl-core-Problem (``meta.versionId`` = the version)."""
    res: dict[str, Any] = {
        "resourceType": "Condition",
        "id": row.logical_id if row is not None else str(problem.pk),
        "meta": {
            "versionId": str(version.number),
            "lastUpdated": instant(version.created_at),
            "profile": [PROFILE],
        },
    }
    if row is not None and row.identifiers:
        res["identifier"] = [dict(i) for i in row.identifiers]
    if version.clinical_status:
        res["clinicalStatus"] = {"coding": [{"system": CLINICAL, "code": version.clinical_status}]}
    if version.verification_status:
        res["verificationStatus"] = {
            "coding": [{"system": VERIFICATION, "code": version.verification_status}]
        }
    if version.categories:
        res["category"] = [{"coding": [c]} for c in _codings(version.categories)]
    code: dict[str, Any] = {}
    if version.codes:
        code["coding"] = _codings(version.codes)
    if version.text:
        code["text"] = version.text
    res["code"] = code
    res["subject"] = reference_to("Patient", identity.logical_id("Patient", problem.patient))
    if version.onset:
        res["onsetDateTime"] = version.onset
    if version.abatement:
        res["abatementDateTime"] = version.abatement
    if version.recorded:
        res["recordedDate"] = version.recorded
    if version.note:
        res["note"] = [{"text": version.note}]
    return res


def to_fhir(problem: Problem, row: ResourceIdentity | None) -> dict[str, Any]:
    assert problem.current_version is not None
    return version_to_fhir(problem, problem.current_version, row)


def open_problem(ctx: FhirContext, row: ResourceIdentity, event: str) -> Problem:
    """The problem of ``row``, access-checked and logged (NEN 7513) as ``event``."""
    try:
        return problem_services.problem_for(
            ctx.actor,
            row.target_id,
            event=event,
            details={"resource": f"Condition/{row.logical_id}"},
        )
    except Http404:
        raise not_found("Condition", row.logical_id) from None


def read(ctx: FhirContext, row: ResourceIdentity) -> dict[str, Any]:
    problem = open_problem(ctx, row, "fhir.read")
    if problem.withdrawn:
        raise gone("Condition", row.logical_id)
    return to_fhir(problem, row)


def resolve(ctx: FhirContext, row: ResourceIdentity) -> Problem:
    """The problem behind a reference when the client may see it (not logged: no content)."""
    problem = Problem.objects.select_related("patient", "current_version").filter(pk=row.target_id)
    found = problem.first()
    if (
        found is not None
        and not found.withdrawn
        and patient_access.access_purpose(ctx.actor, found.patient) is not None
    ):
        return found
    raise not_found("Condition", row.logical_id)


def for_patients(patients: list[Patient]) -> list[dict[str, Any]]:
    """The current problems of patients a search already opened (access checked and logged)."""
    problems = problem_services.problems_of(patients)
    rows = identity.ids_for("Condition", TARGET, [p.pk for p in problems])
    with identity.batch():
        identity.prefetch("Patient", [p.patient for p in problems])
        return [to_fhir(p, rows.get(p.pk)) for p in problems]


# --- writing -----------------------------------------------------------------------------------


def _coding_list(concepts: list[Any], path: str) -> list[dict[str, str]]:
    found = []
    for i, cc in enumerate(concepts):
        if not isinstance(cc, dict):
            continue
        for j, coding in enumerate(cc.get("coding") or []):
            if not isinstance(coding, dict):
                continue
            where = f"{path}[{i}].coding[{j}]" if len(concepts) > 1 else f"{path}.coding[{j}]"
            found.append(
                {
                    "system": fit(str(coding.get("system") or ""), 200, where),
                    "code": fit(str(coding.get("code") or ""), 100, where),
                    "display": fit(str(coding.get("display") or ""), 500, where),
                }
            )
    return found


def _status(concept: Any, system: str, path: str) -> str:
    if concept is None:
        return ""
    for coding in (concept or {}).get("coding") or []:
        if isinstance(coding, dict) and coding.get("system") in (system, None):
            return str(coding.get("code") or "")
    raise unprocessable(
        _("%(path)s must carry a code of %(system)s."),
        path,
        "status-system",
        path=path,
        system=system,
    )


def read_problem(
    ctx: FhirContext, data: dict[str, Any]
) -> tuple[Patient, problem_services.ProblemData]:
    """The patient and the content of an incoming Condition; 422 naming the element for what
    the zib Problem cannot hold."""
    for name in data:
        if name not in KEPT:
            raise unprocessable(
                _(
                    "Condition.%(name)s cannot be kept (zib Problem holds name, type, status, "
                    "verification, start, end, recorded date and one comment); leave it out."
                ),
                f"Condition.{name}",
                "element-not-kept",
                name=name[:60],
            )
    if data.get("subject") is None:
        raise unprocessable(
            _("Condition.subject is required: a problem belongs to a patient."),
            "Condition.subject",
            "patient-required",
        )
    _t, patient = resolve_reference(ctx, data["subject"], ("Patient",), "Condition.subject")
    assert isinstance(patient, Patient)
    notes = [n for n in data.get("note") or [] if isinstance(n, dict)]
    if len(notes) > 1:
        raise unprocessable(
            _("A problem has one comment (zib Problem); send one Condition.note."),
            "Condition.note",
            "one-note",
        )
    raw_code = data.get("code")
    code: dict[str, Any] = raw_code if isinstance(raw_code, dict) else {}
    return patient, problem_services.ProblemData(
        codes=_coding_list([code], "Condition.code"),
        text=fit(str(code.get("text") or "").strip(), 500, "Condition.code.text"),
        categories=_coding_list(list(data.get("category") or []), "Condition.category"),
        clinical_status=_status(data.get("clinicalStatus"), CLINICAL, "Condition.clinicalStatus"),
        verification_status=_status(
            data.get("verificationStatus"), VERIFICATION, "Condition.verificationStatus"
        ),
        onset=fit(str(data.get("onsetDateTime") or ""), 25, "Condition.onsetDateTime"),
        abatement=fit(str(data.get("abatementDateTime") or ""), 25, "Condition.abatementDateTime"),
        recorded=fit(str(data.get("recordedDate") or ""), 25, "Condition.recordedDate"),
        note=str(notes[0].get("text") or "").strip() if notes else "",
    )


def _domain_error(exc: ValidationError) -> FhirError:
    return FhirError(
        422, issues_from_validation(exc, PATHS, "Condition", "problem", "business-rule")
    )


def _forbidden() -> FhirError:
    return FhirError(
        403,
        Issue(
            "forbidden",
            _("You may not record or change this problem (only its sender may)."),
            key="forbidden",
        ),
    )


def write(
    ctx: FhirContext, logical_id: str | None, data: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """Record the problem (a new version when it exists) and remember its id."""
    row = problem_row(logical_id)
    problem = Problem.objects.filter(pk=row.target_id).first() if row is not None else None
    patient, content = read_problem(ctx, data)
    check_version(ctx, "Condition", logical_id, problem.current_number if problem else None)
    try:
        problem = problem_services.record_problem(
            ctx.actor, patient=patient, data=content, problem=problem
        )
    except ValidationError as exc:
        raise _domain_error(exc) from None
    except PermissionDenied:
        raise _forbidden() from None
    services.contribute(ctx, patient)
    created = row is None
    row = identity.remember(
        "Condition",
        logical_id or str(problem.pk),
        problem,
        patient_id=patient.pk,
        identifiers=[
            identity.keepable(i) for i in data.get("identifier") or [] if isinstance(i, dict)
        ],
        created_by_id=problem.sender_organization_id,
    )
    problem.refresh_from_db()
    return to_fhir(problem, row), created


def delete(ctx: FhirContext, row: ResourceIdentity) -> None:
    """Withdraw the problem (a version marked withdrawn; nothing is erased)."""
    problem = open_problem(ctx, row, "fhir.delete")
    check_version(ctx, "Condition", row.logical_id, problem.current_number)
    try:
        problem_services.withdraw_problem(ctx.actor, problem)
    except PermissionDenied:
        raise _forbidden() from None


def history(
    ctx: FhirContext, row: ResourceIdentity, event: str = "fhir.history"
) -> list[HistoryEntry]:
    """Every version, newest first; a withdrawal is a version without a resource (DELETE)."""
    problem = open_problem(ctx, row, event)
    found = []
    for version in problem_services.versions_of(problem):
        stamp = instant(version.created_at)
        if version.withdrawn:
            found.append(HistoryEntry(None, str(version.number), stamp, "DELETE"))
            continue
        found.append(
            HistoryEntry(
                version_to_fhir(problem, version, row),
                str(version.number),
                stamp,
                "POST" if version.number == 1 else "PUT",
            )
        )
    return found


def vread(ctx: FhirContext, row: ResourceIdentity, version: str) -> dict[str, Any]:
    for entry in history(ctx, row, "fhir.vread"):
        if entry.version == version:
            if entry.resource is None:
                raise gone("Condition", row.logical_id)
            return entry.resource
    raise version_not_found("Condition", row.logical_id, version)
