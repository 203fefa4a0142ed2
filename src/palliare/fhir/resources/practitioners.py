"""Practitioner ↔ ``Professional`` and PractitionerRole ↔ ``Membership`` (with an organisation)
or the professional (without one). The directory's rules (decision 0010 §6) are those of
``directory.DirectoryHandler``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.organizations.constants import Discipline
from palliare.organizations.models import Membership, Professional

from .. import identity, services
from ..constants import AGB, AGB_SPECIALISM, BIG, NL_CORE_BASE, UZI_ROLE
from ..context import FhirContext
from ..models import OpenRole, ResourceIdentity
from ..outcome import Issue
from ..search import SearchParam
from .base import (
    check_version,
    fit,
    not_found,
    reference_to,
    register,
    resolve_reference,
    unprocessable,
)
from .datatypes import (
    codings,
    concept,
    identifiers_with,
    read_name,
    read_telecom,
    write_name,
    write_telecom,
)
from .directory import (
    DirectoryHandler,
    _identifier_extras,
    _may_change,
    _meta,
    organization_pk,
)

OPEN_ROLE = "fhir.openrole"

#: Discipline ↔ the specialty a PractitionerRole states (AGB specialism or UZI role code).
SPECIALTY_OUT: dict[str, tuple[str, str, str]] = {
    Discipline.GENERAL_PRACTITIONER: (
        AGB_SPECIALISM,
        "0100",
        "Huisartsen, niet nader gespecificeerd",
    ),
    Discipline.ELDERLY_CARE_PHYSICIAN: (UZI_ROLE, "01.047", "Specialist ouderengeneeskunde"),
    Discipline.PHYSICIAN: (UZI_ROLE, "01.000", "Arts"),
    Discipline.NURSE: (UZI_ROLE, "30.000", "Verpleegkundige"),
    Discipline.PHYSICIAN_ASSISTANT: (UZI_ROLE, "81.000", "Physician assistant"),
    Discipline.PHARMACIST: (UZI_ROLE, "17.000", "Apotheker"),
    Discipline.MEDICAL_SPECIALIST: (UZI_ROLE, "01.010", "Medisch specialist"),
}


def discipline_of(system: str, code: str) -> str | None:
    if system == AGB_SPECIALISM and code == "0100":
        return Discipline.GENERAL_PRACTITIONER
    if system == UZI_ROLE:
        exact = {
            "01.015": Discipline.GENERAL_PRACTITIONER,
            "01.047": Discipline.ELDERLY_CARE_PHYSICIAN,
            "01.000": Discipline.PHYSICIAN,
            "30.000": Discipline.NURSE,
            "81.000": Discipline.PHYSICIAN_ASSISTANT,
            "17.000": Discipline.PHARMACIST,
        }
        if code in exact:
            return exact[code]
        if code.startswith("01."):
            return Discipline.MEDICAL_SPECIALIST
    return None


# --- Practitioner ----------------------------------------------------------------------------


def _valid(validator: Any, value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


@register
class PractitionerHandler(DirectoryHandler):
    resource_type = "Practitioner"
    profile = NL_CORE_BASE + "nl-core-HealthProfessional-Practitioner"
    model = Professional
    target = "organizations.professional"
    params = {
        "_id": SearchParam("_id", "token", "Practitioner.id"),
        "identifier": SearchParam(
            "identifier",
            "token",
            "Practitioner.identifier",
            "BIG: http://fhir.nl/fhir/NamingSystem/big|<number>, AGB",
        ),
        "family": SearchParam("family", "string", "Practitioner.name.family", modifiers=("exact",)),
        "name": SearchParam("name", "string", "Practitioner.name", modifiers=("exact",)),
    }
    documentation = "nl-core-HealthProfessional-Practitioner over the directory's professionals."
    sort_fields = {"family": "family_name", "name": "family_name"}
    sorts = tuple(sort_fields)

    def to_fhir(self, pro: Professional, row: ResourceIdentity | None) -> dict[str, Any]:
        res: dict[str, Any] = {
            "resourceType": "Practitioner",
            "id": row.logical_id if row else str(pro.pk),
            "meta": _meta(row, self.profile),
        }
        identifiers = []
        if pro.big_number:
            identifiers.append({"system": BIG, "value": pro.big_number})
        if pro.agb_code:
            identifiers.append({"system": AGB, "value": pro.agb_code})
        identifiers += identity.extra_identifiers(row)
        if identifiers:
            res["identifier"] = identifiers
        res["active"] = pro.is_active
        res["name"] = write_name(
            pro.given_name, pro.initials, pro.family_name_prefix, pro.family_name
        )
        telecom = write_telecom(pro.phone, pro.email)
        if telecom:
            res["telecom"] = telecom
        return res

    def existing(self, ctx: FhirContext, data: dict[str, Any]) -> Professional | None:
        bigs = [b for b in identifiers_with(data.get("identifier"), BIG) if len(b) == 11]
        return Professional.objects.filter(big_number__in=bigs).first() if bigs else None

    def identifier_q(self, system: str | None, code: str) -> Q:
        q = Q(pk__in=[])
        if system in (None, BIG):
            q |= Q(big_number=code)
        if system in (None, AGB):
            q |= Q(agb_code=code)
        return q

    def filter(
        self, qs: QuerySet[Any], name: str, values: tuple[str, ...], modifier: str
    ) -> QuerySet[Any]:
        fields = ["family_name"] if name == "family" else ["family_name", "given_name"]
        q = Q(pk__in=[])
        for v in values:
            for f in fields:
                q |= Q(**{f"{f}__iexact" if modifier == "exact" else f"{f}__istartswith": v})
        return qs.filter(q)

    def apply(
        self, ctx: FhirContext, pro: Professional, data: dict[str, Any]
    ) -> list[dict[str, Any]]:
        from palliare.organizations.validators import validate_agb_code, validate_big_number

        name = read_name(data.get("name"))
        if not name.family:
            raise unprocessable(
                _("The directory needs the professional's family name."),
                "Practitioner.name.family",
                "family-required",
            )
        pro.given_name = fit(name.given, 100, "Practitioner.name.given")
        pro.initials = fit(name.initials, 20, "Practitioner.name.given")
        pro.family_name_prefix = fit(name.prefix, 20, "Practitioner.name.family")
        pro.family_name = fit(name.family, 100, "Practitioner.name.family")
        bigs = [
            b
            for b in identifiers_with(data.get("identifier"), BIG)
            if _valid(validate_big_number, b)
        ]
        agbs = [
            a for a in identifiers_with(data.get("identifier"), AGB) if _valid(validate_agb_code, a)
        ]
        pro.big_number = bigs[0] if bigs else ""
        pro.agb_code = agbs[0] if agbs else ""
        pro.phone = fit(read_telecom(data.get("telecom"), "phone"), 20, "Practitioner.telecom")
        pro.email = fit(read_telecom(data.get("telecom"), "email"), 254, "Practitioner.telecom")
        if isinstance(data.get("active"), bool):
            pro.is_active = data["active"]
        if not pro.discipline:
            pro.discipline = Discipline.OTHER
        kept = {pro.big_number, pro.agb_code} - {""}
        return _identifier_extras(data, {BIG, AGB}, kept)

    def save(self, ctx: FhirContext, obj: Professional, created: bool) -> None:
        services.save_professional(ctx, obj, created)


# --- PractitionerRole ------------------------------------------------------------------------


@register
class PractitionerRoleHandler(DirectoryHandler):
    resource_type = "PractitionerRole"
    profile = NL_CORE_BASE + "nl-core-HealthProfessional-PractitionerRole"
    model = Membership
    target = "organizations.membership"
    element = "role"
    params = {
        "_id": SearchParam("_id", "token", "PractitionerRole.id"),
        "practitioner": SearchParam("practitioner", "reference", "PractitionerRole.practitioner"),
        "organization": SearchParam("organization", "reference", "PractitionerRole.organization"),
    }
    documentation = (
        "nl-core-HealthProfessional-PractitionerRole: a membership of the "
        "directory, or the professional when no organisation is given."
    )

    def base_queryset(self) -> QuerySet[Any]:
        return Membership.objects.select_related("professional", "organization")

    def references(self, obj: Any) -> list[tuple[str, Any]]:
        return [("Practitioner", obj.professional), ("Organization", obj.organization)]

    def special(self, row: ResourceIdentity) -> Any:
        if row.target_type == "organizations.professional":
            return Professional.objects.filter(pk=row.target_id).first()
        if row.target_type == OPEN_ROLE:
            return OpenRole.objects.select_related("organization").filter(pk=row.target_id).first()
        return None

    def read(self, ctx: FhirContext, logical_id: str) -> dict[str, Any]:
        obj, row = self.find_row(logical_id)
        if isinstance(obj, OpenRole) and row is not None:
            audit.record(
                "fhir.read",
                actor=ctx.actor,
                action=AuditAction.READ,
                purpose=AuditPurpose.ADMINISTRATION,
                details={"resource": f"PractitionerRole/{logical_id}"},
            )
            return open_role_fhir(obj, row)
        if isinstance(obj, Professional) and row is not None:
            audit.record(
                "fhir.read",
                actor=ctx.actor,
                action=AuditAction.READ,
                subject=obj,
                purpose=AuditPurpose.ADMINISTRATION,
                details={"resource": f"PractitionerRole/{logical_id}"},
            )
            return self.special_fhir(obj, row)
        return super().read(ctx, logical_id)

    def _base(
        self, logical_id: str, row: ResourceIdentity | None, pro: Professional
    ) -> dict[str, Any]:
        res: dict[str, Any] = {
            "resourceType": "PractitionerRole",
            "id": logical_id,
            "meta": _meta(row, self.profile),
        }
        extras = identity.extra_identifiers(row)
        if extras:
            res["identifier"] = extras
        res["practitioner"] = reference_to(
            "Practitioner", identity.logical_id("Practitioner", pro), pro.full_name
        )
        return res

    def _specialty(self, res: dict[str, Any], pro: Professional) -> None:
        if pro.discipline in SPECIALTY_OUT:
            system, code, display = SPECIALTY_OUT[pro.discipline]
            res["specialty"] = [concept(system, code, display)]

    def special_fhir(self, pro: Professional, row: ResourceIdentity) -> dict[str, Any]:
        res = self._base(row.logical_id, row, pro)
        self._specialty(res, pro)
        telecom = write_telecom(pro.phone, pro.email)
        if telecom:
            res["telecom"] = telecom
        return res

    def to_fhir(self, m: Membership, row: ResourceIdentity | None) -> dict[str, Any]:
        res = self._base(row.logical_id if row else str(m.pk), row, m.professional)
        res["organization"] = reference_to(
            "Organization", identity.logical_id("Organization", m.organization), m.organization.name
        )
        period = {"start": m.valid_from.isoformat()}
        if m.valid_until:
            period["end"] = m.valid_until.isoformat()
        res["period"] = period
        self._specialty(res, m.professional)
        telecom = write_telecom(m.phone)
        if telecom:
            res["telecom"] = telecom
        return res

    def filter(
        self, qs: QuerySet[Any], name: str, values: tuple[str, ...], modifier: str
    ) -> QuerySet[Any]:
        ids = [v.rpartition("/")[2] for v in values]
        if name == "organization":
            pks = [organization_pk(i) for i in ids]
            return qs.filter(organization_id__in=[p for p in pks if p is not None])
        if name == "practitioner":
            pks = []
            for i in ids:
                obj, _row = PractitionerHandler().find_row(i)
                if obj is not None:
                    pks.append(obj.pk)
            return qs.filter(professional_id__in=pks)
        return qs

    def write(
        self, ctx: FhirContext, logical_id: str | None, data: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        if data.get("practitioner") is None:
            return write_open_role(self, ctx, logical_id, data)
        obj, _row = self.find_row(logical_id) if logical_id else (None, None)
        if isinstance(obj, OpenRole):
            raise unprocessable(
                _(
                    "PractitionerRole/%(id)s is a role without a practitioner; send a role "
                    "with a practitioner under another id."
                ),
                "PractitionerRole.practitioner",
                "role-kind-changed",
                id=logical_id,
            )
        return super().write(ctx, logical_id, data)

    def apply(self, ctx: FhirContext, m: Membership, data: dict[str, Any]) -> list[dict[str, Any]]:
        import datetime as dt

        _t, pro = resolve_reference(
            ctx, data["practitioner"], ("Practitioner",), "PractitionerRole.practitioner"
        )
        self._set_discipline(ctx, pro, data)
        extras = _identifier_extras(data, set(), set())
        if data.get("organization") is None:
            phone = read_telecom(data.get("telecom"), "phone")
            email = read_telecom(data.get("telecom"), "email")
            if (phone and phone != pro.phone) or (email and email != pro.email):
                pro.phone = fit(phone, 20, "PractitionerRole.telecom") or pro.phone
                pro.email = fit(email, 254, "PractitionerRole.telecom") or pro.email
                services.save_professional(ctx, pro, False)
            m._special_target = pro  # type: ignore[attr-defined]
            return extras
        _t, org = resolve_reference(
            ctx, data["organization"], ("Organization",), "PractitionerRole.organization"
        )
        if m.pk is None:
            same = Membership.objects.filter(
                professional=pro, organization=org, role=services.external_role()
            ).first()
            if same is not None:
                m.pk, m.role = same.pk, same.role
        m.professional, m.organization = pro, org
        period = data.get("period") or {}
        try:
            if period.get("start"):
                m.valid_from = dt.date.fromisoformat(str(period["start"])[:10])
            m.valid_until = (
                dt.date.fromisoformat(str(period["end"])[:10]) if period.get("end") else None
            )
        except ValueError:
            raise unprocessable(
                _("The period of the role is not a valid date range."),
                "PractitionerRole.period",
                "period-invalid",
            ) from None
        m.phone = fit(read_telecom(data.get("telecom"), "phone"), 20, "PractitionerRole.telecom")
        return extras

    def _set_discipline(self, ctx: FhirContext, pro: Professional, data: dict[str, Any]) -> None:
        found = [
            discipline_of(s, c)
            for field in ("code", "specialty")
            for cc in data.get(field) or []
            for s, c in codings(cc)
        ]
        disciplines = [d for d in found if d]
        if not disciplines or pro.discipline == disciplines[0]:
            return
        before = pro.discipline
        pro.discipline = disciplines[0]
        try:
            pro.full_clean()
        except ValidationError:
            pro.discipline = before  # e.g. a BIG-registered discipline without a BIG number
            ctx.warnings.append(
                Issue(
                    "business-rule",
                    _(
                        "The specialty was not recorded: the directory requires a "
                        "BIG number for this discipline."
                    ),
                    ("PractitionerRole.specialty",),
                    severity="warning",
                    key="specialty-not-kept",
                )
            )
            return
        services.save_professional(ctx, pro, False)

    def save(self, ctx: FhirContext, obj: Membership, created: bool) -> None:
        services.save_membership(ctx, obj, created)


# --- roles without a practitioner (decision 0035) ---------------------------------------------


def open_role_fhir(role: OpenRole, row: ResourceIdentity) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "PractitionerRole",
        "id": row.logical_id,
        "meta": _meta(row, PractitionerRoleHandler.profile),
    }
    extras = identity.extra_identifiers(row)
    if extras:
        res["identifier"] = extras
    if role.organization is not None:
        res["organization"] = reference_to(
            "Organization",
            identity.logical_id("Organization", role.organization),
            role.organization.name,
        )
    if role.specialties:
        res["specialty"] = [
            {"coding": [{k: v for k, v in s.items() if v}]} for s in role.specialties
        ]
    return res


def _specialties(data: dict[str, Any]) -> list[dict[str, str]]:
    found = []
    for i, cc in enumerate(data.get("specialty") or []):
        if not isinstance(cc, dict):
            continue
        for j, coding in enumerate(cc.get("coding") or []):
            if not isinstance(coding, dict) or not coding.get("code"):
                continue
            where = f"PractitionerRole.specialty[{i}].coding[{j}]"
            found.append(
                {
                    "system": fit(str(coding.get("system") or ""), 200, where),
                    "code": fit(str(coding["code"]), 100, where),
                    "display": fit(str(coding.get("display") or ""), 200, where),
                }
            )
    return found


def write_open_role(
    handler: PractitionerRoleHandler,
    ctx: FhirContext,
    logical_id: str | None,
    data: dict[str, Any],
) -> tuple[dict[str, Any], bool]:
    """A PractitionerRole without a practitioner: a specialty and/or an organisation."""
    import uuid

    obj, row = handler.find_row(logical_id) if logical_id else (None, None)
    if logical_id and logical_id.isdigit() and obj is None:
        raise not_found("PractitionerRole", logical_id)
    check_version(
        ctx, "PractitionerRole", logical_id, row.version if obj is not None and row else None
    )
    if obj is not None and not isinstance(obj, OpenRole):
        raise unprocessable(
            _(
                "PractitionerRole/%(id)s names a practitioner; a role without one is sent "
                "under another id."
            ),
            "PractitionerRole.practitioner",
            "role-kind-changed",
            id=logical_id,
        )
    if obj is not None and not _may_change(ctx, row):
        assert row is not None
        return open_role_fhir(obj, row), False
    specialties = _specialties(data)
    org = None
    if data.get("organization") is not None:
        _t, org = resolve_reference(
            ctx, data["organization"], ("Organization",), "PractitionerRole.organization"
        )
    if not specialties and org is None:
        raise unprocessable(
            _(
                "A PractitionerRole needs a practitioner, an organisation or a specialty "
                "(with a code): this one names nothing."
            ),
            "PractitionerRole",
            "role-empty",
        )
    role = obj or OpenRole(created_by_id=ctx.actor.organization_id)
    role.organization = org
    role.specialties = specialties
    from django.utils import timezone

    role.updated_at = timezone.now()
    role.save()
    audit.record(
        "fhir.directory_role_recorded",
        actor=ctx.actor,
        action=AuditAction.CREATE if obj is None else AuditAction.UPDATE,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"resource": f"PractitionerRole/{logical_id or role.pk}"},
    )
    row = identity.remember(
        "PractitionerRole",
        logical_id or f"role-{uuid.uuid4().hex[:20]}",
        role,
        identifiers=_identifier_extras(data, set(), set()),
        created_by_id=ctx.actor.organization_id,
    )
    return open_role_fhir(role, row), obj is None
