"""The regional directory: Organization ↔ ``Organization``, Location ↔ ``Location`` (or, for a
location without an address, the organisation itself), Practitioner ↔ ``Professional``,
PractitionerRole ↔ ``Membership`` (with an organisation) or the professional (without).

The directory is maintained by the network: an API client may add entries and change the
entries its organisation added, but an id that resolves to an entry the network maintains
is linked to it and the entry is left as it is (the response shows the stored entry).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Location, Membership, Organization
from palliare.organizations.validators import normalize_postcode

from .. import identity, services
from ..constants import AGB, NICTIZ_ORG_TYPE, NL_CORE_BASE
from ..context import FhirContext
from ..models import ResourceIdentity
from ..outcome import FhirError, Issue
from ..search import Query, SearchParam, instant, parse_token
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
    codings,
    concept,
    identifiers_with,
    read_address,
    read_telecom,
    write_address,
    write_telecom,
)

#: Nictiz organisation types (http://nictiz.nl/fhir/NamingSystem/organization-type) we map.
ORG_TYPES: dict[str, tuple[str, str]] = {
    OrganizationType.HOSPITAL: ("V4", "Ziekenhuis"),
    OrganizationType.GP_PRACTICE: ("Z3", "Huisartspraktijk (zelfstandig of groepspraktijk)"),
    OrganizationType.PHARMACY: ("J8", "Openbare apotheek"),
    OrganizationType.NURSING_HOME: ("X3", "Verplegings- of verzorgingsinstelling"),
}
CODE_TO_ORG_TYPE = {code: kind for kind, (code, _d) in ORG_TYPES.items()}


def membership_organization(target: Any) -> Organization | None:
    if isinstance(target, Membership):
        return target.organization
    if isinstance(target, Organization):
        return target
    return None


def organization_pk(logical_id: str) -> int | None:
    row = identity.find("Organization", logical_id)
    if row is not None:
        return row.target_id
    return int(logical_id) if logical_id.isdigit() and len(logical_id) < 19 else None


def _may_change(ctx: FhirContext, row: ResourceIdentity | None) -> bool:
    """Only entries this client's organisation created through FHIR are changed by it."""
    return row is not None and row.created_by_id == ctx.actor.organization_id


def _directory_error(exc: ValidationError, rtype: str) -> FhirError:
    from ..outcome import issues_from_validation

    return FhirError(422, issues_from_validation(exc, {}, rtype, "directory"))


def _identifier_extras(
    data: dict[str, Any], kept_systems: set[str], kept_values: set[str]
) -> list[dict[str, Any]]:
    return [
        identity.keepable(i)
        for i in data.get("identifier") or []
        if isinstance(i, dict)
        and i.get("value")
        and not (i.get("system") in kept_systems and i.get("value") in kept_values)
    ]


def directory_id_taken(resource_type: str, existing_id: str) -> FhirError:
    """409: the directory entry with this AGB or BIG number already has a client's id; a
    second id for it would make two resources of one entry (decision 0022). Directory entries
    are visible to every client, so naming the first id discloses nothing."""
    return FhirError(
        409,
        Issue(
            "duplicate",
            _(
                "The directory already holds this entry (same AGB code or BIG number) as "
                "%(type)s/%(id)s. Update that resource (PUT %(type)s/%(id)s) or refer to it "
                "instead of sending it under a second id."
            ),
            (f"{resource_type}.identifier",),
            params={"type": resource_type, "id": existing_id},
            key="directory-id-taken",
        ),
    )


class DirectoryHandler(Handler):
    model: ClassVar[type[models.Model]]
    target: ClassVar[str]
    element: ClassVar[str] = ""
    #: ``_sort`` key → model field.
    sort_fields: ClassVar[dict[str, str]] = {}

    # -- to implement ---------------------------------------------------------------------
    def to_fhir(self, obj: Any, row: ResourceIdentity | None) -> dict[str, Any]:
        raise NotImplementedError

    def apply(self, ctx: FhirContext, obj: Any, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Copy the resource onto ``obj``; return the identifiers kept with the identity."""
        raise NotImplementedError

    def existing(self, ctx: FhirContext, data: dict[str, Any]) -> Any:
        """A directory entry the resource already describes (same AGB/BIG), or None."""
        return None

    def filter(
        self, qs: QuerySet[Any], name: str, values: tuple[str, ...], modifier: str
    ) -> QuerySet[Any]:
        return qs

    # -- shared ---------------------------------------------------------------------------
    def base_queryset(self) -> QuerySet[Any]:
        return self.model._default_manager.all()

    def find_row(self, logical_id: str) -> tuple[Any, ResourceIdentity | None]:
        row = identity.find(self.resource_type, logical_id)
        if row is not None:
            if row.target_type != self.target:
                return self.special(row), row
            return self.base_queryset().filter(pk=row.target_id).first(), row
        if logical_id.isdigit() and len(logical_id) < 19:
            obj = self.base_queryset().filter(pk=int(logical_id)).first()
            if obj is not None:
                rows = identity.ids_for(self.resource_type, self.target, [obj.pk])
                return obj, rows.get(obj.pk)
        return None, None

    def special(self, row: ResourceIdentity) -> Any:
        return None

    def resolve(self, ctx: FhirContext, logical_id: str) -> Any:
        obj, _row = self.find_row(logical_id)
        if obj is None:
            raise not_found(self.resource_type, logical_id)
        return obj

    def read(self, ctx: FhirContext, logical_id: str) -> dict[str, Any]:
        obj, row = self.find_row(logical_id)
        if obj is None:
            raise not_found(self.resource_type, logical_id)
        audit.record(
            "fhir.read",
            actor=ctx.actor,
            action=AuditAction.READ,
            subject=obj if isinstance(obj, models.Model) else None,
            purpose=AuditPurpose.ADMINISTRATION,
            details={"resource": f"{self.resource_type}/{logical_id}"},
        )
        return self.to_fhir(obj, row)

    def search(self, ctx: FhirContext, query: Query) -> tuple[list[dict[str, Any]], int]:
        qs = self.base_queryset()
        for c in query.criteria:
            if c.name == "_id":
                pks = []
                for value in c.values:
                    obj, _row = self.find_row(parse_token(value)[1] or "")
                    if isinstance(obj, self.model):
                        pks.append(obj.pk)
                qs = qs.filter(pk__in=pks)
            elif c.name == "identifier":
                q = Q(pk__in=[])
                for value in c.values:
                    system, code = parse_token(value)
                    if code:
                        q |= self.identifier_q(system, code)
                        q |= Q(pk__in=identity.with_identifier(self.resource_type, system, code))
                qs = qs.filter(q)
            else:
                qs = self.filter(qs, c.name, c.values, c.modifier)
        total = qs.count()
        if query.count == 0:
            return [], total
        order = [("-" if desc else "") + self.sort_fields[key] for key, desc in query.sort]
        page = list(qs.order_by(*order, "pk")[query.offset : query.offset + query.count])
        rows = identity.ids_for(self.resource_type, self.target, [o.pk for o in page])
        audit.record(
            "fhir.search",
            actor=ctx.actor,
            action=AuditAction.READ,
            purpose=AuditPurpose.ADMINISTRATION,
            details={"type": self.resource_type, "count": len(page)},
        )
        with identity.batch():
            by_type: dict[str, list[Any]] = {}
            for obj in page:
                for resource_type, target in self.references(obj):
                    by_type.setdefault(resource_type, []).append(target)
            for resource_type, targets in by_type.items():
                identity.prefetch(resource_type, targets)
            return [self.to_fhir(o, rows.get(o.pk)) for o in page], total

    def references(self, obj: Any) -> list[tuple[str, Any]]:
        """The directory objects ``to_fhir`` refers to (fetched ahead for a search page)."""
        return []

    def identifier_q(self, system: str | None, code: str) -> Q:
        return Q(pk__in=[])

    def write(
        self, ctx: FhirContext, logical_id: str | None, data: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        obj, row = self.find_row(logical_id) if logical_id else (None, None)
        if logical_id and logical_id.isdigit() and obj is None:
            raise not_found(self.resource_type, logical_id)
        check_version(
            ctx, self.resource_type, logical_id, row.version if obj is not None and row else None
        )
        known = obj is not None  # the id exists: an update answers 200, whatever it maps to
        if obj is not None and not isinstance(obj, self.model):
            obj = None  # a special mapping (e.g. location = organisation): rewrite it
        created = obj is None
        if obj is None:
            obj = self.existing(ctx, data)
            if obj is not None:
                # A known entry (same AGB/BIG): its first client id, if it has one, stays its
                # only id (decision 0022); otherwise this id becomes it. The network's entry
                # is left as it is.
                first = identity.ids_for(self.resource_type, self.target, [obj.pk]).get(obj.pk)
                if first is not None and first.logical_id != logical_id:
                    raise directory_id_taken(self.resource_type, first.logical_id)
                new_id = logical_id or str(obj.pk)
                row = identity.remember(
                    self.resource_type,
                    new_id,
                    obj,
                    identifiers=_identifier_extras(data, set(), set()),
                    created_by_id=None,
                )
                ctx.extra["not_applied"] = True  # nothing of it is kept (fhir.keep)
                return self.to_fhir(obj, row), not known
            obj = self.model()
        elif not _may_change(ctx, row):
            ctx.extra["not_applied"] = True  # nothing of it is kept (fhir.keep)
            return self.to_fhir(obj, row), False
        try:
            extras = self.apply(ctx, obj, data)
        except ValidationError as exc:
            raise _directory_error(exc, self.resource_type) from None
        target: Any = getattr(obj, "_special_target", None)
        if target is not None:
            new_id = logical_id or f"{target.pk}"
            row = identity.remember(
                self.resource_type,
                new_id,
                target,
                element=self.element,
                identifiers=extras,
                created_by_id=ctx.actor.organization_id,
            )
            return self.special_fhir(target, row), not known
        try:
            self.save(ctx, obj, created)
        except ValidationError as exc:
            raise _directory_error(exc, self.resource_type) from None
        if logical_id or extras or row is not None:
            row = identity.remember(
                self.resource_type,
                logical_id or str(obj.pk),
                obj,
                identifiers=extras,
                created_by_id=ctx.actor.organization_id,
            )
        elif created:
            row = identity.remember(
                self.resource_type, str(obj.pk), obj, created_by_id=ctx.actor.organization_id
            )
        return self.to_fhir(obj, row), created and not known

    def save(self, ctx: FhirContext, obj: Any, created: bool) -> None:
        raise NotImplementedError

    def special_fhir(self, target: Any, row: ResourceIdentity) -> dict[str, Any]:
        raise NotImplementedError


def _meta(row: ResourceIdentity | None, profile: str) -> dict[str, Any]:
    from ..search import instant

    meta: dict[str, Any] = {"profile": [profile]}
    if row is not None:
        meta["versionId"] = str(row.version)
        meta["lastUpdated"] = instant(row.updated_at)
    return meta


# --- Organization ----------------------------------------------------------------------------


@register
class OrganizationHandler(DirectoryHandler):
    resource_type = "Organization"
    profile = NL_CORE_BASE + "nl-core-HealthcareProvider-Organization"
    model = Organization
    target = "organizations.organization"
    params = {
        "_id": SearchParam("_id", "token", "Organization.id"),
        "_lastUpdated": SearchParam("_lastUpdated", "date", "Organization.meta.lastUpdated"),
        "identifier": SearchParam(
            "identifier",
            "token",
            "Organization.identifier",
            "AGB: http://fhir.nl/fhir/NamingSystem/agb-z|<code>",
        ),
        "name": SearchParam("name", "string", "Organization.name", modifiers=("exact",)),
        "type": SearchParam("type", "token", "Organization.type"),
    }
    documentation = "nl-core-HealthcareProvider-Organization over the regional directory."
    sort_fields = {"name": "name", "_lastUpdated": "updated_at"}
    sorts = tuple(sort_fields)

    def base_queryset(self) -> QuerySet[Any]:
        return Organization.objects.select_related("parent")

    def references(self, obj: Any) -> list[tuple[str, Any]]:
        return [("Organization", obj.parent)] if obj.parent_id else []

    def to_fhir(self, org: Organization, row: ResourceIdentity | None) -> dict[str, Any]:
        res: dict[str, Any] = {
            "resourceType": "Organization",
            "id": row.logical_id if row else str(org.pk),
            "meta": _meta(row, self.profile),
        }
        res["meta"]["lastUpdated"] = instant(org.updated_at)
        identifiers = [{"system": AGB, "value": org.agb_code}] if org.agb_code else []
        identifiers += identity.extra_identifiers(row)
        if identifiers:
            res["identifier"] = identifiers
        res["active"] = org.is_active
        if org.type in ORG_TYPES:
            code, display = ORG_TYPES[org.type]
            res["type"] = [concept(NICTIZ_ORG_TYPE, code, display)]
        res["name"] = org.name
        telecom = write_telecom(org.phone, org.email, org.website)
        if telecom:
            res["telecom"] = telecom
        if org.parent_id:
            parent = org.parent
            assert parent is not None
            res["partOf"] = reference_to(
                "Organization", identity.logical_id("Organization", parent), parent.name
            )
        return res

    def existing(self, ctx: FhirContext, data: dict[str, Any]) -> Organization | None:
        agbs = identifiers_with(data.get("identifier"), AGB)
        return Organization.objects.filter(agb_code__in=agbs).first() if agbs else None

    def identifier_q(self, system: str | None, code: str) -> Q:
        return Q(agb_code=code) if system in (None, AGB) else Q(pk__in=[])

    def filter(
        self, qs: QuerySet[Any], name: str, values: tuple[str, ...], modifier: str
    ) -> QuerySet[Any]:
        if name == "name":
            q = Q(pk__in=[])
            for v in values:
                q |= Q(name__iexact=v) if modifier == "exact" else Q(name__icontains=v)
            return qs.filter(q)
        if name == "type":
            kinds = [CODE_TO_ORG_TYPE.get(parse_token(v)[1] or "", "?") for v in values]
            return qs.filter(type__in=kinds)
        if name == "_lastUpdated":
            from ..search import Criterion, date_q

            return qs.filter(date_q("updated_at", Criterion(name, modifier, values)))
        return qs

    def apply(
        self, ctx: FhirContext, org: Organization, data: dict[str, Any]
    ) -> list[dict[str, Any]]:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise unprocessable(
                _("The directory needs the organisation's name."),
                "Organization.name",
                "name-required",
            )
        org.name = fit(name.strip(), 200, "Organization.name")
        agbs = identifiers_with(data.get("identifier"), AGB)
        if agbs:
            org.agb_code = agbs[0]
        kinds = [
            CODE_TO_ORG_TYPE[c]
            for t in data.get("type") or []
            for _s, c in codings(t)
            if c in CODE_TO_ORG_TYPE
        ]
        org.type = kinds[0] if kinds else (org.type or OrganizationType.OTHER)
        org.phone = fit(read_telecom(data.get("telecom"), "phone"), 20, "Organization.telecom")
        org.email = fit(read_telecom(data.get("telecom"), "email"), 254, "Organization.telecom")
        org.website = fit(read_telecom(data.get("telecom"), "url"), 200, "Organization.telecom")
        if isinstance(data.get("active"), bool):
            org.is_active = data["active"]
        if data.get("partOf") is not None:
            _t, parent = resolve_reference(
                ctx, data["partOf"], ("Organization",), "Organization.partOf"
            )
            org.parent = parent
        else:
            org.parent = None
        return _identifier_extras(data, {AGB}, {org.agb_code})

    def save(self, ctx: FhirContext, obj: Organization, created: bool) -> None:
        services.save_organization(ctx, obj, created)


# --- Location --------------------------------------------------------------------------------


@register
class LocationHandler(DirectoryHandler):
    resource_type = "Location"
    profile = NL_CORE_BASE + "nl-core-HealthcareProvider"
    model = Location
    target = "organizations.location"
    element = "location"
    params = {
        "_id": SearchParam("_id", "token", "Location.id"),
        "organization": SearchParam("organization", "reference", "Location.managingOrganization"),
        "address-postalcode": SearchParam(
            "address-postalcode", "string", "Location.address.postalCode"
        ),
    }
    documentation = (
        "nl-core-HealthcareProvider (Location) over the directory's locations; a "
        "location without an address stands for its organisation."
    )

    def base_queryset(self) -> QuerySet[Any]:
        return Location.objects.select_related("organization")

    def references(self, obj: Any) -> list[tuple[str, Any]]:
        return [("Organization", obj.organization)]

    def special(self, row: ResourceIdentity) -> Any:
        if row.target_type == "organizations.organization":
            return Organization.objects.filter(pk=row.target_id).first()
        return None

    def read(self, ctx: FhirContext, logical_id: str) -> dict[str, Any]:
        obj, row = self.find_row(logical_id)
        if isinstance(obj, Organization) and row is not None:
            audit.record(
                "fhir.read",
                actor=ctx.actor,
                action=AuditAction.READ,
                subject=obj,
                purpose=AuditPurpose.ADMINISTRATION,
                details={"resource": f"Location/{logical_id}"},
            )
            return self.special_fhir(obj, row)
        return super().read(ctx, logical_id)

    def special_fhir(self, org: Organization, row: ResourceIdentity) -> dict[str, Any]:
        return {
            "resourceType": "Location",
            "id": row.logical_id,
            "meta": _meta(row, self.profile),
            "managingOrganization": reference_to(
                "Organization", identity.logical_id("Organization", org), org.name
            ),
        }

    def to_fhir(self, loc: Location, row: ResourceIdentity | None) -> dict[str, Any]:
        res: dict[str, Any] = {
            "resourceType": "Location",
            "id": row.logical_id if row else str(loc.pk),
            "meta": _meta(row, self.profile),
        }
        if loc.name:
            res["name"] = loc.name
        telecom = write_telecom(loc.phone)
        if telecom:
            res["telecom"] = telecom
        address = write_address(loc.street, loc.house_number, loc.postcode, loc.city, use="work")
        if address:
            res["address"] = address[0]
        org = loc.organization
        res["managingOrganization"] = reference_to(
            "Organization", identity.logical_id("Organization", org), org.name
        )
        return res

    def filter(
        self, qs: QuerySet[Any], name: str, values: tuple[str, ...], modifier: str
    ) -> QuerySet[Any]:
        if name == "organization":
            pks = [organization_pk(v.rpartition("/")[2]) for v in values]
            return qs.filter(organization_id__in=[p for p in pks if p is not None])
        if name == "address-postalcode":
            q = Q(pk__in=[])
            for v in values:
                q |= Q(postcode__istartswith=normalize_postcode(v))
            return qs.filter(q)
        return qs

    def apply(self, ctx: FhirContext, loc: Location, data: dict[str, Any]) -> list[dict[str, Any]]:
        if data.get("managingOrganization") is None:
            raise unprocessable(
                _("The directory keeps locations of an organisation: send managingOrganization."),
                "Location.managingOrganization",
                "organization-required",
            )
        _t, org = resolve_reference(
            ctx, data["managingOrganization"], ("Organization",), "Location.managingOrganization"
        )
        address = data.get("address")
        parsed = read_address([address]) if isinstance(address, dict) else None
        extras = _identifier_extras(data, set(), set())
        if parsed is None or not (parsed.postcode and parsed.city):
            if data.get("name") or data.get("telecom"):
                raise unprocessable(
                    _("A location with a name or phone needs its address (postcode and place)."),
                    "Location.address",
                    "address-required",
                )
            loc._special_target = org  # type: ignore[attr-defined]
            return extras
        loc.organization = org
        loc.name = fit(str(data.get("name") or ""), 200, "Location.name")
        loc.street = fit(parsed.street, 200, "Location.address.line")
        loc.house_number = fit(parsed.house_number, 20, "Location.address.line")
        loc.postcode = normalize_postcode(parsed.postcode)
        loc.city = fit(parsed.city, 100, "Location.address.city")
        loc.phone = fit(read_telecom(data.get("telecom"), "phone"), 20, "Location.telecom")
        return extras

    def save(self, ctx: FhirContext, obj: Location, created: bool) -> None:
        services.save_location(ctx, obj, created)
