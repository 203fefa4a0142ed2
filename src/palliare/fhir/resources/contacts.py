"""Encounter (nl-core-Encounter) ↔ ``patients.CareContact``: a visit, an admission or another
care contact that is not an ACP conversation, with or without the patient (decision 0019).

An Encounter is an ACP conversation (the care plan's ``conversations``) when it claims the
ACP-Encounter profile or names an ACP Procedure as its reason; every other Encounter is a care
contact. Access is the domain's (``patients.services.contacts``): with a patient through the
patient access policy, without one for the sending organisation only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from palliare.organizations.models import Location, Membership, Organization, Professional
from palliare.patients import access as patient_access
from palliare.patients.constants import ContactClass
from palliare.patients.models import CareContact, CareContactVersion, Patient
from palliare.patients.services import contacts as contact_services

from .. import identity, services
from ..constants import NL_CORE_BASE, SNOMED
from ..context import FhirContext
from ..models import ResourceIdentity
from ..outcome import FhirError, Issue, issues_from_validation
from ..search import instant
from .base import (
    HistoryEntry,
    check_version,
    not_found,
    reference_to,
    resolve_reference,
    unprocessable,
    version_not_found,
)
from .datatypes import concept

TARGET = "patients.carecontact"
PROFILE = NL_CORE_BASE + "nl-core-Encounter"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"

#: Where a domain validation error points in the resource.
PATHS = {
    "contact_class": "Encounter.class",
    "status": "Encounter.status",
    "end_date": "Encounter.period.end",
    "admit_source": "Encounter.hospitalization.admitSource",
    "discharge_disposition": "Encounter.hospitalization.dischargeDisposition",
    "patient": "Encounter.subject",
}


def is_care_contact(data: dict[str, Any]) -> bool:
    """Whether an incoming Encounter is a care contact (not an ACP conversation)."""
    profiles = (data.get("meta") or {}).get("profile") or []
    if any(isinstance(p, str) and p.split("|")[0].endswith("/ACP-Encounter") for p in profiles):
        return False
    for reason in data.get("reasonReference") or []:
        if isinstance(reason, dict) and (
            str(reason.get("reference", "")).split("/")[0] == "Procedure"
            or reason.get("type") == "Procedure"
        ):
            return False
    return True


def contact_row(logical_id: str | None) -> ResourceIdentity | None:
    row = identity.find("Encounter", logical_id) if logical_id else None
    return row if row is not None and row.target_type == TARGET else None


# --- reading -----------------------------------------------------------------------------------


def _reference_id(resource_type: str, obj: Any, element: str = "") -> str:
    return identity.logical_id(resource_type, obj, element)


def to_fhir(
    contact: CareContact, row: ResourceIdentity | None, at: CareContactVersion | None = None
) -> dict[str, Any]:
    """The contact (its current version, or the version ``at``) as nl-core-Encounter."""
    version = at if at is not None else contact.current_version
    assert version is not None
    meta: dict[str, Any] = {
        "versionId": str(version.number),
        "lastUpdated": instant(version.created_at if at is not None else contact.updated_at),
        "profile": [PROFILE],
    }
    res: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": row.logical_id if row is not None else str(contact.pk),
        "meta": meta,
        "status": version.status,
        "class": {
            "system": ACT_CODE,
            "code": version.contact_class,
            "display": str(ContactClass(version.contact_class).label),
        },
    }
    if contact.patient_id is not None:
        patient = contact.patient
        assert patient is not None
        res["subject"] = reference_to("Patient", _reference_id("Patient", patient))
    participants = [
        {"individual": reference_to("PractitionerRole", _reference_id("PractitionerRole", m))}
        for m in sorted(version.participant_memberships.all(), key=lambda o: o.pk)
    ] + [
        {
            "individual": reference_to(
                "PractitionerRole", _reference_id("PractitionerRole", p, "role")
            )
        }
        for p in sorted(version.participant_professionals.all(), key=lambda o: o.pk)
    ]
    if participants:
        res["participant"] = participants
    period = {}
    if version.start_date:
        period["start"] = version.start_date.isoformat()
    if version.end_date:
        period["end"] = version.end_date.isoformat()
    if period:
        res["period"] = period
    hospitalization = {}
    if version.admit_source_code:
        hospitalization["admitSource"] = concept(
            SNOMED, version.admit_source_code, version.admit_source_display
        )
    if version.discharge_disposition_code:
        hospitalization["dischargeDisposition"] = concept(
            SNOMED, version.discharge_disposition_code, version.discharge_disposition_display
        )
    if hospitalization:
        res["hospitalization"] = hospitalization
    if version.location is not None:
        ref = reference_to("Location", _reference_id("Location", version.location))
        res["location"] = [{"location": ref}]
    elif version.location_organization is not None:
        ref = reference_to(
            "Location", _reference_id("Location", version.location_organization, "location")
        )
        res["location"] = [{"location": ref}]
    return res


def read(ctx: FhirContext, row: ResourceIdentity) -> dict[str, Any]:
    try:
        contact = contact_services.care_contact_for(
            ctx.actor,
            row.target_id,
            event="fhir.read",
            details={"resource": f"Encounter/{row.logical_id}"},
        )
    except Http404:
        raise not_found("Encounter", row.logical_id) from None
    return to_fhir(contact, row)


def history(
    ctx: FhirContext, row: ResourceIdentity, event: str = "fhir.history"
) -> list[HistoryEntry]:
    """Every version of the contact, newest first (opened, and logged, like a read)."""
    try:
        contact = contact_services.care_contact_for(
            ctx.actor,
            row.target_id,
            event=event,
            details={"resource": f"Encounter/{row.logical_id}"},
        )
    except Http404:
        raise not_found("Encounter", row.logical_id) from None
    found = []
    for version in contact.versions.order_by("-number"):
        resource = to_fhir(contact, row, version)
        if row.identifiers:
            resource["identifier"] = list(row.identifiers)
        found.append(
            HistoryEntry(
                resource,
                str(version.number),
                resource["meta"]["lastUpdated"],
                "POST" if version.number == 1 else "PUT",
            )
        )
    return found


def vread(ctx: FhirContext, row: ResourceIdentity, version: str) -> dict[str, Any]:
    for entry in history(ctx, row, "fhir.vread"):
        if entry.version == version and entry.resource is not None:
            return entry.resource
    raise version_not_found("Encounter", row.logical_id, version)


def resolve(ctx: FhirContext, row: ResourceIdentity) -> CareContact:
    """The contact behind a reference, when the client may see it (not logged: no content)."""
    contact = CareContact.objects.filter(pk=row.target_id).first()
    if contact is not None:
        if contact.patient is not None:
            if patient_access.access_purpose(ctx.actor, contact.patient) is not None:
                return contact
        elif contact_services.may_read_without_patient(ctx.actor, contact):
            return contact
    raise not_found("Encounter", row.logical_id)


def for_patients(patients: list[Patient]) -> list[dict[str, Any]]:
    """The care contacts of patients a search already opened (access checked and logged)."""
    contacts = contact_services.care_contacts_of(patients)
    rows = identity.ids_for("Encounter", TARGET, [c.pk for c in contacts])
    versions = [c.current_version for c in contacts if c.current_version is not None]
    with identity.batch():  # the references of all contacts in one query per kind
        identity.prefetch("Patient", [c.patient for c in contacts if c.patient is not None])
        identity.prefetch(
            "PractitionerRole", [m for v in versions for m in v.participant_memberships.all()]
        )
        identity.prefetch(
            "PractitionerRole",
            [p for v in versions for p in v.participant_professionals.all()],
            "role",
        )
        identity.prefetch("Location", [v.location for v in versions if v.location is not None])
        identity.prefetch(
            "Location",
            [v.location_organization for v in versions if v.location_organization is not None],
            "location",
        )
        return [to_fhir(c, rows.get(c.pk)) for c in contacts]


# --- writing -----------------------------------------------------------------------------------


def _day(value: Any, path: str) -> dt.date | None:
    if value is None:
        return None
    text = str(value)[:10]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise unprocessable(
            _("%(path)s must be a date or a date and time."), path, "date-invalid", path=path
        ) from None


def _snomed(concept_: Any, path: str) -> tuple[str, str]:
    if not concept_:
        return "", ""
    for coding in (concept_ or {}).get("coding") or []:
        if isinstance(coding, dict) and coding.get("system") == SNOMED and coding.get("code"):
            return str(coding["code"]), str(coding.get("display") or "")[:200]
    raise unprocessable(
        _("%(path)s must carry a SNOMED CT code (zib Contact)."),
        path,
        "contact-code-system",
        path=path,
    )


def read_contact(
    ctx: FhirContext, data: dict[str, Any]
) -> tuple[Patient | None, contact_services.ContactData]:
    """The patient (if any) and the content of an incoming care contact; references must
    resolve (422 naming the element otherwise)."""
    patient: Patient | None = None
    if data.get("subject") is not None:
        _t, found = resolve_reference(ctx, data["subject"], ("Patient",), "Encounter.subject")
        assert isinstance(found, Patient)
        patient = found
    klass = data.get("class") or {}
    code = klass.get("code") if isinstance(klass, dict) else None
    if not isinstance(klass, dict) or klass.get("system") not in (None, ACT_CODE) or not code:
        raise unprocessable(
            _("Encounter.class must be an HL7 v3 ActCode (for example IMP or AMB)."),
            "Encounter.class",
            "contact-class",
        )
    period = data.get("period") or {}
    memberships: list[Membership] = []
    professionals: list[Professional] = []
    for i, participant in enumerate(data.get("participant") or []):
        if not isinstance(participant, dict) or participant.get("individual") is None:
            continue
        path = f"Encounter.participant[{i}].individual"
        _t, target = resolve_reference(
            ctx, participant["individual"], ("PractitionerRole", "Practitioner"), path
        )
        if isinstance(target, Membership):
            memberships.append(target)
        elif isinstance(target, Professional):
            professionals.append(target)
        else:  # a role without a practitioner: zib Contact names health professionals
            raise unprocessable(
                _(
                    "%(path)s refers to a role without a practitioner; a care contact "
                    "records the health professionals who took part."
                ),
                path,
                "contact-participant-role",
                path=path,
            )
    locations = [x for x in data.get("location") or [] if isinstance(x, dict)]
    if len(locations) > 1:
        raise unprocessable(
            _("A care contact has one location (zib Contact); send one Encounter.location."),
            "Encounter.location",
            "contact-one-location",
        )
    location: Location | None = None
    location_org: Organization | None = None
    if locations:
        _t, place = resolve_reference(
            ctx, locations[0].get("location"), ("Location",), "Encounter.location[0].location"
        )
        if isinstance(place, Location):
            location = place
        elif isinstance(place, Organization):
            location_org = place
    hospitalization = data.get("hospitalization") or {}
    return patient, contact_services.ContactData(
        contact_class=str(code),
        status=str(data.get("status") or ""),
        start_date=_day(period.get("start"), "Encounter.period.start"),
        end_date=_day(period.get("end"), "Encounter.period.end"),
        memberships=memberships,
        professionals=professionals,
        location=location,
        location_organization=location_org,
        admit_source=_snomed(
            hospitalization.get("admitSource"), "Encounter.hospitalization.admitSource"
        ),
        discharge_disposition=_snomed(
            hospitalization.get("dischargeDisposition"),
            "Encounter.hospitalization.dischargeDisposition",
        ),
    )


def write(
    ctx: FhirContext, logical_id: str | None, data: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """Record the contact (a new version when it exists) and remember its id."""
    row = contact_row(logical_id)
    if logical_id and logical_id.isdigit() and row is None:
        raise not_found("Encounter", logical_id)
    contact = CareContact.objects.filter(pk=row.target_id).first() if row is not None else None
    patient, content = read_contact(ctx, data)
    check_version(ctx, "Encounter", logical_id, contact.current_number if contact else None)
    try:
        contact = contact_services.record_care_contact(
            ctx.actor, patient=patient, data=content, contact=contact
        )
    except ValidationError as exc:
        raise FhirError(
            422, issues_from_validation(exc, PATHS, "Encounter", "contact", "business-rule")
        ) from None
    except PermissionDenied:
        raise FhirError(
            403,
            Issue(
                "forbidden",
                _("You may not record or change this care contact."),
                key="forbidden",
            ),
        ) from None
    if contact.patient is not None:
        services.contribute(ctx, contact.patient)
    row = identity.remember(
        "Encounter",
        logical_id or str(contact.pk),
        contact,
        patient_id=contact.patient_id,
        identifiers=[
            identity.keepable(i) for i in data.get("identifier") or [] if isinstance(i, dict)
        ],
        created_by_id=contact.sender_organization_id,
    )
    resource = to_fhir(contact, row)
    if row.identifiers:
        resource["identifier"] = list(row.identifiers)
    return resource, row.version == 1
