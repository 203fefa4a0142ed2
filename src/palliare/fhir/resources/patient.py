"""Patient ↔ ``patients.Patient`` (ACP-Patient on nl-core-Patient).

Kept: BSN, the official name (given names, prefix, family name), gender, birth date, the home
address (street, house number, postcode, place), the phone number, the GP practice
(``generalPractitioner``), and — read-only — the date of death. Business identifiers other
than the BSN are kept with the resource's identity. Not kept: further names, e-mail, further
addresses and phone numbers, marital status, nationality, language, partner names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Organization, PostcodeArea
from palliare.organizations.validators import normalize_postcode
from palliare.patients import access as patient_access
from palliare.patients.constants import Sex
from palliare.patients.models import Patient
from palliare.patients.services import ConflictError, DuplicatePatientError
from palliare.patients.validators import normalize_bsn

from .. import identity, services
from ..constants import ACP_BASE, BSN
from ..context import FhirContext
from ..models import ResourceIdentity
from ..outcome import FhirError, Issue
from ..search import Criterion, Query, SearchParam, date_q, instant, parse_token
from .base import (
    Handler,
    check_version,
    fit,
    not_found,
    reference_to,
    register,
    resolve_reference,
    unprocessable,
)
from .datatypes import (
    identifiers_with,
    read_address,
    read_name,
    read_telecom,
    write_address,
    write_name,
    write_telecom,
)
from .directory import membership_organization

GENDER_TO_SEX: dict[str, str] = {
    "female": Sex.FEMALE,
    "male": Sex.MALE,
    "other": Sex.UNDIFFERENTIATED,
    "unknown": Sex.UNKNOWN,
}
SEX_TO_GENDER: dict[str, str] = {str(v): k for k, v in GENDER_TO_SEX.items()}
PROFILE = ACP_BASE + "ACP-Patient"
TARGET = "patients.patient"
ORGANIZATION = "organizations.organization"

#: Contributions of other parts to the Patient resource (the care plan's decision-making
#: capacity and contact persons): callables (patients, resources) -> None, called once for a
#: page of patients and their resources (so they can load what they need in bulk).
ENRICHERS: list[Any] = []
#: ... and what they take from an incoming Patient: callables (ctx, patient, data) -> None.
WRITERS: list[Any] = []
#: Relations the enrichers read, loaded with a search's patients (``select_related``).
RELATED: list[str] = []


def patient_pk(logical_id: str) -> int | None:
    """The register's primary key behind ``Patient/<logical_id>``, or None. A patient that a
    client gave its own id is known by that id only: its primary key no longer names it (one
    id per resource, so a read of ``Patient/X`` always answers ``Patient/X``)."""
    return patient_pks([logical_id])[logical_id]


def patient_pks(logical_ids: list[str]) -> dict[str, int | None]:
    """:func:`patient_pk` of each id, in one query (for the ids and for the rows that stand
    for the patients of those numbers)."""
    numbers = {i: int(i) for i in logical_ids if i.isdigit() and len(i) < 19}
    rows = identity.lookup("Patient", logical_ids, TARGET, numbers.values())
    named = {r.logical_id: r for r in rows}
    masked = {r.target_id for r in rows if r.target_type == TARGET}
    found: dict[str, int | None] = {}
    for logical_id in logical_ids:
        row = named.get(logical_id)
        number = numbers.get(logical_id)
        if row is not None:
            found[logical_id] = row.target_id if row.target_type == TARGET else None
        elif number is None or number in masked:
            found[logical_id] = None
        else:
            identity.note_none("Patient", TARGET, number)  # named by its number: no row
            found[logical_id] = number
    return found


def prefetch(patients: list[Patient]) -> None:
    """Within ``identity.batch()``: the identity rows a page of patients needs — each
    patient's own, its GP practice's, and those of the elements of its care plan — in one
    query."""
    if patients:
        identity.fetch(
            {
                ("Patient", TARGET, ""): {p.pk for p in patients},
                ("Organization", ORGANIZATION, ""): {p.gp_practice_id for p in patients},
            },
            [p.pk for p in patients],
        )


def id_taken(existing_id: str) -> FhirError:
    """409: the BSN is registered under another id; a second id would take over that
    person (decision 0022)."""
    return FhirError(
        409,
        Issue(
            "duplicate",
            _(
                "A patient with this BSN is already registered as Patient/%(id)s. Update that "
                "resource (PUT Patient/%(id)s) instead of giving the same person a second id."
            ),
            ("Patient.identifier",),
            params={"id": existing_id},
            key="patient-id-taken",
        ),
    )


def to_fhir(
    patient: Patient,
    row: ResourceIdentity | None,
    gp_ids: dict[int, str] | None = None,
    enrich: bool = True,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": row.logical_id if row else str(patient.pk),
        "meta": {
            "versionId": str(patient.version),
            "lastUpdated": instant(patient.updated_at),
            "profile": [PROFILE],
        },
        "identifier": [{"system": BSN, "value": patient.bsn}],
        "name": write_name(patient.given_name, "", patient.family_name_prefix, patient.family_name),
    }
    resource["identifier"] += identity.extra_identifiers(row)
    telecom = write_telecom(phone=patient.phone)
    if telecom:
        resource["telecom"] = telecom
    resource["gender"] = SEX_TO_GENDER.get(patient.sex, "unknown")
    resource["birthDate"] = patient.date_of_birth.isoformat()
    if patient.date_of_death:
        resource["deceasedDateTime"] = patient.date_of_death.isoformat()
    address = write_address(patient.street, patient.house_number, patient.postcode, patient.city)
    if address:
        resource["address"] = address
    if gp_ids is not None and patient.gp_practice_id in gp_ids:
        gp_id = gp_ids[patient.gp_practice_id]
    else:
        gp_id = identity.logical_id("Organization", patient.gp_practice)
    resource["generalPractitioner"] = [
        reference_to("Organization", gp_id, patient.gp_practice.name)
    ]
    if enrich:
        for enricher in ENRICHERS:
            enricher([patient], [resource])
    return resource


#: Birth dates before this are refused as implausible.
EARLIEST_BIRTH = dt.date(1880, 1, 1)


def _sex(gender: Any) -> str:
    """The register's sex for ``Patient.gender``; absent is unknown, any other value a 422."""
    if gender is None:
        return str(Sex.UNKNOWN)
    if gender not in GENDER_TO_SEX:
        raise unprocessable(
            _("Patient.gender must be male, female, other or unknown, not %(value)s."),
            "Patient.gender",
            "gender-code",
            value=str(gender)[:40],
        )
    return GENDER_TO_SEX[gender]


def _required(message: Any, path: str, key: str) -> FhirError:
    return FhirError(422, Issue("required", message, (path,), key=key))


def to_domain(ctx: FhirContext, data: dict[str, Any], current: Patient | None) -> dict[str, Any]:
    """The register's fields from a Patient resource (422 naming what the register needs)."""
    bsns = identifiers_with(data.get("identifier"), BSN)
    if not bsns:
        raise _required(
            _(
                "The register needs the patient's BSN (identifier with system "
                "http://fhir.nl/fhir/NamingSystem/bsn)."
            ),
            "Patient.identifier",
            "bsn-required",
        )
    name = read_name(data.get("name"))
    if not name.family:
        raise _required(
            _("The register needs the patient's family name."),
            "Patient.name.family",
            "family-required",
        )
    birth = data.get("birthDate")
    try:
        born = dt.date.fromisoformat(birth) if isinstance(birth, str) else None
    except ValueError:
        born = None
    if born is None:
        raise _required(
            _("The register needs the full date of birth (YYYY-MM-DD)."),
            "Patient.birthDate",
            "birthdate-required",
        )
    if born > timezone.localdate() or born < EARLIEST_BIRTH:
        raise unprocessable(
            _("The date of birth %(date)s cannot be right (in the future or before 1880)."),
            "Patient.birthDate",
            "birthdate-implausible",
            date=born.isoformat(),
        )
    result: dict[str, Any] = {
        "bsn": normalize_bsn(bsns[0]),
        "given_name": fit(name.given or name.initials, 100, "Patient.name.given"),
        "family_name_prefix": fit(name.prefix, 20, "Patient.name.family"),
        "family_name": fit(name.family, 100, "Patient.name.family"),
        "date_of_birth": born,
        "sex": _sex(data.get("gender")),
        "phone": fit(read_telecom(data.get("telecom"), "phone"), 20, "Patient.telecom"),
        "street": "",
        "house_number": "",
        "postcode": "",
        "city": "",
    }
    address = read_address(data.get("address"))
    if address is not None:
        postcode = normalize_postcode(address.postcode)
        if postcode and not PostcodeArea.objects.filter(pk=postcode[:4]).exists():
            raise unprocessable(
                _("Postcode area %(pc4)s is unknown to this register."),
                "Patient.address[0].postalCode",
                "postcode-unknown",
                pc4=postcode[:4],
            )
        result.update(
            street=fit(address.street, 200, "Patient.address.line"),
            house_number=fit(address.house_number, 20, "Patient.address.line"),
            postcode=postcode,
            city=fit(address.city, 100, "Patient.address.city"),
        )
    result["gp_practice"] = _gp_practice(ctx, data, current)
    return result


def _gp_practice(ctx: FhirContext, data: dict[str, Any], current: Patient | None) -> Organization:
    refs = data.get("generalPractitioner") or []
    for i, ref in enumerate(refs if isinstance(refs, list) else []):
        path = f"Patient.generalPractitioner[{i}]"
        rtype, target = resolve_reference(
            ctx, ref, ("Organization", "PractitionerRole", "Practitioner"), path
        )
        org = target if rtype == "Organization" else membership_organization(target)
        if org is None:
            continue
        if org.type != OrganizationType.GP_PRACTICE:
            raise unprocessable(
                _("%(path)s must be the patient's GP practice; %(name)s is not a GP practice."),
                path,
                "gp-practice-type",
                path=path,
                name=org.name,
            )
        return org
    if current is not None:
        return current.gp_practice
    own = ctx.actor.organization
    if own is not None and own.type == OrganizationType.GP_PRACTICE:
        return own
    raise _required(
        _(
            "The register keeps patients with their GP practice: send generalPractitioner "
            "(an Organization that is a GP practice)."
        ),
        "Patient.generalPractitioner",
        "gp-required",
    )


def _validation_error(exc: ValidationError) -> FhirError:
    field_paths = {
        "bsn": "Patient.identifier",
        "given_name": "Patient.name.given",
        "family_name": "Patient.name.family",
        "family_name_prefix": "Patient.name.family",
        "date_of_birth": "Patient.birthDate",
        "postcode": "Patient.address.postalCode",
        "street": "Patient.address.line",
        "house_number": "Patient.address.line",
        "city": "Patient.address.city",
        "phone": "Patient.telecom",
        "gp_practice": "Patient.generalPractitioner",
    }
    from ..outcome import issues_from_validation

    issues = issues_from_validation(exc, field_paths, "Patient", "register")
    return FhirError(422, issues)


_SEARCH = {
    "_id": SearchParam("_id", "token", "Patient.id"),
    "_lastUpdated": SearchParam("_lastUpdated", "date", "Patient.meta.lastUpdated"),
    "identifier": SearchParam(
        "identifier",
        "token",
        "Patient.identifier",
        "BSN: http://fhir.nl/fhir/NamingSystem/bsn|<bsn>",
    ),
    "family": SearchParam("family", "string", "Patient.name.family", modifiers=("exact",)),
    "given": SearchParam("given", "string", "Patient.name.given", modifiers=("exact",)),
    "name": SearchParam("name", "string", "Patient.name", modifiers=("exact",)),
    "birthdate": SearchParam("birthdate", "date", "Patient.birthDate"),
    "gender": SearchParam("gender", "token", "Patient.gender"),
    "general-practitioner": SearchParam(
        "general-practitioner", "reference", "Patient.generalPractitioner"
    ),
}


#: Up to this many candidates, a search checks access per patient.
_FEW = 20


def _string_q(field_names: list[str], criterion: Criterion) -> Q:
    combined = Q(pk__in=[])
    for value in criterion.values:
        for name in field_names:
            lookup = "iexact" if criterion.modifier == "exact" else "istartswith"
            combined |= Q(**{f"{name}__{lookup}": value})
    return combined


def _ids_q(resource_type: str, criterion: Criterion) -> Q:
    pks = []
    for value in criterion.values:
        _sys, code = parse_token(value)
        pk = patient_pk(code or "") if resource_type == "Patient" else None
        if pk is not None:
            pks.append(pk)
    return Q(pk__in=pks)


@register
class PatientHandler(Handler):
    resource_type = "Patient"
    profile = PROFILE
    params = _SEARCH
    documentation = "ACP-Patient (nl-core-Patient) over the palliative register."
    sort_fields: ClassVar[dict[str, str]] = {
        "family": "family_name",
        "birthdate": "date_of_birth",
        "_lastUpdated": "updated_at",
    }
    sorts = tuple(sort_fields)
    revincludes = ("Consent:patient",)

    def resolve(self, ctx: FhirContext, logical_id: str) -> Patient:
        pk = patient_pk(logical_id)
        patient = (
            Patient.objects.visible_to(ctx.actor)
            .select_related("gp_practice")
            .filter(pk=pk)
            .first()
            if pk is not None
            else None
        )
        if patient is None:
            raise not_found("Patient", logical_id)
        return patient

    def read(self, ctx: FhirContext, logical_id: str) -> dict[str, Any]:
        pk = patient_pk(logical_id)
        if pk is None:
            raise not_found("Patient", logical_id)
        try:
            patient = patient_access.get_patient_for(
                ctx.actor,
                pk,
                event="fhir.read",
                details={"resource": f"Patient/{logical_id}"},
            )
        except Http404:
            raise not_found("Patient", logical_id) from None
        prefetch([patient])
        row = identity.ids_for("Patient", TARGET, [patient.pk]).get(patient.pk)
        return to_fhir(patient, row)

    def filtered(self, ctx: FhirContext, query: Query, visible: bool = True) -> QuerySet[Patient]:
        qs = Patient.objects.visible_to(ctx.actor) if visible else Patient.objects.all()
        for c in query.criteria:
            if c.name == "_id":
                qs = qs.filter(_ids_q("Patient", c))
            elif c.name == "_lastUpdated":
                qs = qs.filter(date_q("updated_at", c))
            elif c.name == "birthdate":
                qs = qs.filter(date_q("date_of_birth", c))
            elif c.name == "identifier":
                q = Q(pk__in=[])
                for value in c.values:
                    system, code = parse_token(value)
                    if system in (None, BSN) and code:
                        q |= Q(bsn=normalize_bsn(code))
                    if code and system != BSN:
                        q |= Q(pk__in=identity.with_identifier("Patient", system, code))
                qs = qs.filter(q)
            elif c.name == "gender":
                qs = qs.filter(
                    sex__in=[GENDER_TO_SEX.get(parse_token(v)[1] or "", "?") for v in c.values]
                )
            elif c.name == "family":
                qs = qs.filter(_string_q(["family_name"], c))
            elif c.name == "given":
                qs = qs.filter(_string_q(["given_name"], c))
            elif c.name == "name":
                qs = qs.filter(_string_q(["family_name", "given_name"], c))
            elif c.name == "general-practitioner":
                orgs = []
                for value in c.values:
                    ref = value if "/" in value else f"Organization/{value}"
                    rtype, _slash, rid = ref.partition("/")
                    if rtype == "Organization":
                        from .directory import organization_pk

                        pk = organization_pk(rid)
                        if pk is not None:
                            orgs.append(pk)
                qs = qs.filter(gp_practice_id__in=orgs)
        return qs

    def search(self, ctx: FhirContext, query: Query) -> tuple[list[dict[str, Any]], int]:
        page: list[Patient] | None = None
        if any(c.name in ("identifier", "_id") for c in query.criteria):
            # A lookup by BSN or id finds a handful of patients: check access per patient
            # (the policy's per-patient path) instead of intersecting with every visible id.
            candidates = list(
                self.filtered(ctx, query, visible=False)
                .select_related("gp_practice", *RELATED)
                .order_by(*self._order(query))[: _FEW + 1]
            )
            if len(candidates) <= _FEW:
                allowed = [p for p in candidates if patient_access.access_purpose(ctx.actor, p)]
                total = len(allowed)
                page = allowed[query.offset : query.offset + query.count]
        if page is None:
            qs = self.filtered(ctx, query)
            total = qs.count()
            page = list(
                qs.select_related("gp_practice", *RELATED).order_by(*self._order(query))[
                    query.offset : query.offset + query.count
                ]
            )
        if query.count == 0:
            return [], total
        prefetch(page)
        rows = identity.ids_for("Patient", TARGET, [p.pk for p in page])
        practices = {p.gp_practice_id for p in page}
        org_rows = identity.ids_for("Organization", ORGANIZATION, practices)
        gp_ids = {pk: org_rows[pk].logical_id if pk in org_rows else str(pk) for pk in practices}
        patient_access.record_list_view(ctx.actor, "fhir.search", page)
        resources = [to_fhir(p, rows.get(p.pk), gp_ids, enrich=False) for p in page]
        for enricher in ENRICHERS:
            enricher(page, resources)
        return resources, total

    def _order(self, query: Query) -> list[str]:
        return [
            *(("-" if desc else "") + self.sort_fields[key] for key, desc in query.sort),
            "pk",
        ]

    def revinclude(
        self, ctx: FhirContext, matches: list[dict[str, Any]], revinclude: str
    ) -> list[dict[str, Any]]:
        """``Consent:patient``: the Consents of the patients found (the Consent search opens
        them through the access policy again and logs them)."""
        if revinclude != "Consent:patient" or not matches:
            return []
        from ..search import Criterion
        from . import handler_for

        found: list[dict[str, Any]] = []
        ids = [f"Patient/{r['id']}" for r in matches]
        for start in range(0, len(ids), 50):
            consents = Query("Consent", [Criterion("patient", "", tuple(ids[start : start + 50]))])
            consents.count = 10_000
            found += handler_for("Consent").search(ctx, consents)[0]
        return found

    def write(
        self, ctx: FhirContext, logical_id: str | None, data: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        current: Patient | None = None
        if logical_id is not None:
            pk = patient_pk(logical_id)
            if pk is not None:
                current = Patient.objects.select_related("gp_practice").filter(pk=pk).first()
                if (
                    current is not None
                    and patient_access.access_purpose(ctx.actor, current) is None
                ):
                    raise not_found("Patient", logical_id)
            if current is None and logical_id.isdigit():
                raise not_found("Patient", logical_id)
        fields = to_domain(ctx, data, current)
        if current is None:
            by_bsn = Patient.objects.filter(bsn=fields["bsn"]).first()
            if by_bsn is not None:
                if patient_access.access_purpose(ctx.actor, by_bsn) is None:
                    raise FhirError(
                        409,
                        patient_id=by_bsn.pk,
                        issues=Issue(
                            "duplicate",
                            _(
                                "A patient with this BSN is already registered by another GP "
                                "practice; Palliare links it only for organisations with a care "
                                "relationship."
                            ),
                            ("Patient.identifier",),
                            key="duplicate-bsn",
                        ),
                    )
                # Never a silent merge: the same BSN under another id (or a POST, which
                # creates) is refused, naming the id the patient has.
                existing_row = identity.ids_for("Patient", TARGET, [by_bsn.pk]).get(by_bsn.pk)
                raise id_taken(existing_row.logical_id if existing_row else str(by_bsn.pk))
        extra = [
            identity.keepable(i)
            for i in data.get("identifier") or []
            if isinstance(i, dict) and i.get("system") != BSN and i.get("value")
        ]
        try:
            if current is None:
                check_version(ctx, "Patient", logical_id, None)  # If-Match on a new resource
                patient = services.create_patient(ctx, fields)
                created = True
            else:
                if fields["bsn"] != current.bsn:
                    raise unprocessable(
                        _("The BSN of a registered patient cannot be changed."),
                        "Patient.identifier",
                        "bsn-changed",
                    )
                fields.pop("bsn")
                patient = services.update_patient(ctx, current, fields, ctx.extra.get("if_match"))
                created = False
        except DuplicatePatientError:
            raise FhirError(
                409,
                Issue(
                    "duplicate",
                    _("A patient with this BSN already exists."),
                    ("Patient.identifier",),
                    key="duplicate-bsn",
                ),
            ) from None
        except ConflictError as exc:
            raise FhirError(
                412,
                Issue(
                    "conflict",
                    _("The patient was changed meanwhile (now version %(version)s)."),
                    params={"version": exc.current_version},
                    key="version-conflict",
                ),
            ) from None
        except PermissionDenied:
            raise FhirError(
                403, Issue("forbidden", _("You may not change this patient."), key="forbidden")
            ) from None
        except ValidationError as exc:
            raise _validation_error(exc) from None
        row: ResourceIdentity | None = identity.ids_for("Patient", TARGET, [patient.pk]).get(
            patient.pk
        )
        if logical_id is not None and not logical_id.isdigit():
            row = identity.remember(
                "Patient",
                logical_id,
                patient,
                patient_id=patient.pk,
                identifiers=extra,
                created_by_id=ctx.actor.organization_id,
            )
        elif extra or row is not None:
            row = identity.remember(
                "Patient",
                row.logical_id if row else str(patient.pk),
                patient,
                patient_id=patient.pk,
                identifiers=extra,
                created_by_id=ctx.actor.organization_id,
            )
        for writer in WRITERS:
            writer(ctx, patient, data)
        patient.refresh_from_db()
        return to_fhir(patient, row), created
