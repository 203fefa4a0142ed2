"""The base of the ACP handlers: locating a plan element by id, patient-scoped search with lazy
building for chains and includes, and the write path (one new care-plan version per patient per
interaction, saved when the interaction ends)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from palliare.careplans import services as plan_services
from palliare.careplans.constants import TreatmentDecision
from palliare.patients import access as patient_access
from palliare.patients.models import Patient

from ... import identity, services
from ...context import FhirContext
from ...outcome import FhirError, Issue
from ...search import (
    Criterion,
    Query,
    SearchParam,
    instant,
    parse_token,
    sort_resources,
    token_matches,
)
from ...validation.definitions import expand
from ...validation.rules import _nodes
from ..base import (
    Handler,
    HistoryEntry,
    check_version,
    gone,
    not_found,
    resolve_reference,
    version_not_found,
)
from ..patient import patient_pk, patient_pks
from ..patient import to_fhir as patient_to_fhir
from .export import build
from .imports import APPLY
from .plan import PLAN_RELATION, Element, PlanState, elements, load, load_many, versions

_GENERATED = re.compile(r"^acp-(?P<pk>\d{1,18})-(?P<slug>[a-z0-9\-]+)$")
PATIENT_TARGET = "patients.patient"


def _param(
    name: str, kind: str, expression: str, documentation: str = "", **kw: Any
) -> SearchParam:
    return SearchParam(name, kind, expression, documentation, **kw)


def _patient_params(rtype: str, path: str) -> dict[str, SearchParam]:
    params = {
        "_id": _param("_id", "token", f"{rtype}.id"),
        "_lastUpdated": _param("_lastUpdated", "date", f"{rtype}.meta.lastUpdated"),
        "patient": _param(
            "patient",
            "reference",
            f"{rtype}.{path}",
            "required (or subject / _id): every ACP search is about one patient",
        ),
    }
    if path == "subject":
        params["subject"] = _param("subject", "reference", f"{rtype}.subject")
    params["identifier"] = _param(
        "identifier", "token", f"{rtype}.identifier", "business identifier (system|value)"
    )
    return params


# --- the plan being written (one version per patient per interaction) ---------------------


@dataclass
class Pending:
    state: PlanState
    based_on: int
    notes: list[str]


def pending(ctx: FhirContext, patient: Patient) -> PlanState:
    plans: dict[int, Pending] = ctx.extra.setdefault("acp_pending", {})
    if patient.pk not in plans:
        state = load(patient)
        plans[patient.pk] = Pending(state, state.version_number, [])
        if flush not in ctx.extra.setdefault("flushers", []):
            ctx.extra["flushers"].append(flush)
    return plans[patient.pk].state


def flush(ctx: FhirContext) -> None:
    """Save every pending plan as a new version (inside the caller's transaction)."""
    plans: dict[int, Pending] = ctx.extra.pop("acp_pending", {})
    for item in plans.values():
        state = item.state
        for row in state.content["treatment_limits"]:
            if row["treatment"] != "OTH" and not row["decision"]:
                row["decision"] = TreatmentDecision.NOT_DISCUSSED  # nothing agreed (yet)
        note = ("FHIR: " + "; ".join(item.notes))[:500]
        try:
            plan_services.save_plan(
                services.plan_actor(ctx),
                state.patient,
                content=state.content,
                based_on=item.based_on,
                note=note,
            )
        except plan_services.PlanConflict:
            raise FhirError(
                409,
                Issue(
                    "conflict",
                    _("The care plan was changed meanwhile; send the resource again."),
                    key="plan-conflict",
                ),
            ) from None
        except ValidationError as exc:
            from ...outcome import issues_from_validation

            raise FhirError(
                422, issues_from_validation(exc, {}, "CarePlan", "careplan", "business-rule")
            ) from None
        except PermissionDenied:
            raise FhirError(
                403, Issue("forbidden", _("You may not change this care plan."), key="forbidden")
            ) from None


def note_change(ctx: FhirContext, patient: Patient, text: str) -> None:
    plans: dict[int, Pending] = ctx.extra.get("acp_pending", {})
    if patient.pk in plans:
        plans[patient.pk].notes.append(text)


def element_id_taken(resource_type: str, existing_id: str) -> FhirError:
    """409: the plan element (one treatment's directive, the advance directive, the form, ...)
    already has a client's id; a second id for it would take it over (decision 0022)."""
    return FhirError(
        409,
        Issue(
            "duplicate",
            _(
                "The care plan already holds this as %(type)s/%(id)s (one agreement per "
                "treatment, one form per patient). Update that resource (PUT "
                "%(type)s/%(id)s) instead of sending it under a second id."
            ),
            (resource_type,),
            params={"type": resource_type, "id": existing_id},
            key="element-id-taken",
        ),
    )


# --- base handler ------------------------------------------------------------------------


class PlanHandler(Handler):
    """A resource type built from the care plan."""

    patient_path: ClassVar[str] = "subject"
    token_paths: ClassVar[dict[str, str]] = {}
    interactions: ClassVar[tuple[str, ...]] = (
        "read",
        "vread",
        "update",
        "history-instance",
        "create",
        "search-type",
    )
    sorts: ClassVar[tuple[str, ...]] = ("_id", "_lastUpdated")

    def locate(self, ctx: FhirContext, logical_id: str) -> tuple[int, str] | None:
        """(patient pk, element key) of ``Type/id`` or None."""
        row = identity.find(self.resource_type, logical_id)
        if row is not None and row.patient_id is not None:
            return row.patient_id, row.element
        match = _GENERATED.match(logical_id)
        if match is None:
            return None
        pk = int(match.group("pk"))
        patient = Patient.objects.filter(pk=pk).first()
        if patient is None:
            return None
        state = load(patient)
        for element in elements(state):
            if element.resource_type == self.resource_type and element.slug == match.group("slug"):
                if (element.resource_type, element.key) in state.rows:
                    return None  # a client named it: known by that id only (decision 0022)
                return pk, element.key
        return None

    def assigned_id(self, ctx: FhirContext, logical_id: str) -> bool:
        return _GENERATED.match(logical_id) is not None and self.locate(ctx, logical_id) is not None

    def _element(self, state: PlanState, key: str) -> Element | None:
        return next(
            (e for e in elements(state) if e.resource_type == self.resource_type and e.key == key),
            None,
        )

    def resolve(self, ctx: FhirContext, logical_id: str) -> Any:
        found = self.locate(ctx, logical_id)
        if found is None:
            raise not_found(self.resource_type, logical_id)
        pk, key = found
        visible = _visible(ctx, [pk])
        if not visible:
            raise not_found(self.resource_type, logical_id)
        patient = visible[0]
        pending_state = ctx.extra.get("acp_pending", {}).get(pk)
        state = pending_state.state if pending_state else load(patient)
        if self._element(state, key) is None:
            raise not_found(self.resource_type, logical_id)
        return patient, key

    def read(self, ctx: FhirContext, logical_id: str) -> dict[str, Any]:
        found = self.locate(ctx, logical_id)
        if found is None:
            raise not_found(self.resource_type, logical_id)
        pk, key = found
        try:
            patient = patient_access.get_patient_for(
                ctx.actor,
                pk,
                event="fhir.read",
                details={"resource": f"{self.resource_type}/{logical_id}"},
            )
        except Http404:
            raise not_found(self.resource_type, logical_id) from None
        state = load(patient)
        element = self._element(state, key)
        if element is None:
            raise not_found(self.resource_type, logical_id)
        return build(state, element)

    # -- versions (vread, history) ----------------------------------------------------------
    def _versions(self, ctx: FhirContext, logical_id: str, event: str) -> list[HistoryEntry]:
        """The versions of the element: one per plan version in which it changed, newest
        first (its version is the plan's; decision 0035). Opening the patient checks access
        and writes the NEN 7513 row."""
        found = self.locate(ctx, logical_id)
        if found is None:
            raise not_found(self.resource_type, logical_id)
        pk, key = found
        try:
            patient = patient_access.get_patient_for(
                ctx.actor,
                pk,
                event=event,
                details={"resource": f"{self.resource_type}/{logical_id}"},
            )
        except Http404:
            raise not_found(self.resource_type, logical_id) from None
        entries: list[HistoryEntry] = []
        states = versions(patient)
        for index, state in enumerate(states):
            element = self._element(state, key)
            older = states[index + 1] if index + 1 < len(states) else None
            older_element = self._element(older, key) if older is not None else None
            resource = build(state, element) if element is not None else None
            if older_element is not None and older is not None:
                before = build(older, older_element)
                if resource is not None and _content(before) == _content(resource):
                    continue  # unchanged in this plan version
            if resource is None:
                if older_element is None:
                    continue  # not in this version, nor in the one before
                entries.append(
                    HistoryEntry(
                        None,
                        str(state.version_number),
                        instant(state.version_date) if state.version_date else "",
                        "DELETE",
                    )
                )
                continue
            meta = resource["meta"]
            entries.append(
                HistoryEntry(
                    resource,
                    str(meta.get("versionId", state.version_number)),
                    str(meta.get("lastUpdated", "")),
                    "PUT" if older_element is not None else "POST",
                )
            )
        if not entries:
            raise not_found(self.resource_type, logical_id)
        return entries

    def history(self, ctx: FhirContext, logical_id: str) -> list[HistoryEntry]:
        return self._versions(ctx, logical_id, "fhir.history")

    def vread(self, ctx: FhirContext, logical_id: str, version: str) -> dict[str, Any]:
        for entry in self._versions(ctx, logical_id, "fhir.vread"):
            if entry.version == version:
                if entry.resource is None:
                    raise gone(self.resource_type, logical_id)
                return entry.resource
        raise version_not_found(self.resource_type, logical_id, version)

    # -- search ------------------------------------------------------------------------
    def _patients(self, ctx: FhirContext, query: Query) -> list[Patient]:
        wanted: set[int] | None = None
        for crit in query.criteria:
            if crit.name in ("patient", "subject"):
                refs = [
                    value.split("/")[-1] if value.startswith(("Patient/", "http")) else value
                    for value in crit.values
                ]
                pks = {pk for pk in patient_pks(refs).values() if pk is not None}
                wanted = pks if wanted is None else wanted & pks
            elif crit.name == "_id":
                pks = set()
                for value in crit.values:
                    wanted_id = parse_token(value)[1] or ""
                    located = self.locate(ctx, wanted_id)
                    if located:
                        pks.add(located[0])
                        continue
                    # Resources of the type that are not plan elements (problems, contacts).
                    row = identity.find(self.resource_type, wanted_id)
                    if row is not None and row.patient_id is not None:
                        pks.add(row.patient_id)
                wanted = pks if wanted is None else wanted & pks
        if wanted is None:
            raise FhirError(
                400,
                Issue(
                    "too-costly",
                    _(
                        "Searches for %(type)s need the patient (patient=Patient/[id] "
                        "or subject=...) or _id."
                    ),
                    ("patient",),
                    params={"type": self.resource_type},
                    key="patient-required",
                ),
            )
        return _visible(ctx, sorted(wanted))

    def matches(
        self,
        ctx: FhirContext,
        resource: dict[str, Any],
        crit: Criterion,
        built: Built,
    ) -> bool:
        if crit.name in ("patient", "subject"):
            return True
        if crit.name == "_id":
            return any((parse_token(v)[1] or "") == resource["id"] for v in crit.values)
        if crit.name == "_lastUpdated":
            import datetime as dt

            from ...search import date_matches

            stamp = resource.get("meta", {}).get("lastUpdated")
            when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else None
            return date_matches(when, crit)
        if crit.name == "identifier":
            identifiers = resource.get("identifier") or []
            if isinstance(identifiers, dict):  # QuestionnaireResponse.identifier is single
                identifiers = [identifiers]
            return any(
                token_matches(v, i.get("system"), i.get("value"))
                for v in crit.values
                for i in identifiers
                if isinstance(i, dict)
            )
        path = self.token_paths.get(crit.name)
        if path is not None:
            return _token_match(resource, path, crit)
        return True

    def search(self, ctx: FhirContext, query: Query) -> tuple[list[dict[str, Any]], int]:
        patients = self._patients(ctx, query)
        found: list[dict[str, Any]] = []
        built: Built = ctx.extra.setdefault("built", Built())
        for patient, state in zip(patients, load_many(patients), strict=True):
            ctx.extra.setdefault("states", {})[patient.pk] = state
            mine = []
            for element in elements(state):
                ref = f"{element.resource_type}/{state.logical_id(element)}"
                built.add(ref, state, element)
                if element.resource_type == self.resource_type:
                    mine.append(ref)
            for ref in mine:
                resource = built[ref]
                if all(self.matches(ctx, resource, crit, built) for crit in query.criteria):
                    found.append(resource)
        for resource in self.extra_matches(ctx, patients):
            if all(self.matches(ctx, resource, crit, built) for crit in query.criteria):
                found.append(resource)
        patient_access.record_list_view(ctx.actor, "fhir.search", patients)
        sort_resources(found, query.sort)
        total = len(found)
        return found[query.offset : query.offset + query.count], total

    def include(
        self, ctx: FhirContext, matches: list[dict[str, Any]], include: str
    ) -> list[dict[str, Any]]:
        _type, _colon, param = include.partition(":")
        path = self.include_paths.get(param)
        if path is None:
            return []
        refs: list[str] = []
        for resource in matches:
            for _where, node in _nodes(resource, f"{self.resource_type}.{path}"):
                if isinstance(node, dict) and isinstance(node.get("reference"), str):
                    refs.append(node["reference"])
        return _fetch(ctx, refs)

    include_paths: ClassVar[dict[str, str]] = {}

    def extra_matches(self, ctx: FhirContext, patients: list[Patient]) -> list[dict[str, Any]]:
        """Resources of these patients that are not built from the plan (care contacts)."""
        return []

    # -- write ---------------------------------------------------------------------------
    def write(
        self, ctx: FhirContext, logical_id: str | None, data: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        patient = self.patient_of(ctx, data)
        old = identity.find(self.resource_type, logical_id) if logical_id else None
        if old is not None and old.patient_id not in (None, patient.pk):
            raise FhirError(
                422,
                Issue(
                    "business-rule",
                    _("%(type)s/%(id)s belongs to another patient."),
                    (f"{self.resource_type}.{self.patient_path}",),
                    params={"type": self.resource_type, "id": logical_id},
                    key="other-patient",
                ),
            )
        if logical_id and logical_id.isdigit():
            raise not_found(self.resource_type, logical_id)
        generated = _GENERATED.match(logical_id or "")
        state = pending(ctx, patient)
        old_key = old.element if old is not None else None
        if generated and old_key is None:
            located = self.locate(ctx, logical_id or "")
            old_key = located[1] if located else None
        # The version of a care-plan resource is the version of the plan it was read from.
        check_version(
            ctx,
            self.resource_type,
            logical_id,
            ctx.extra["acp_pending"][patient.pk].based_on if old_key is not None else None,
        )
        key = APPLY[self.resource_type](ctx, data, state, old_key)
        taken = state.rows.get((self.resource_type, key))
        if taken is not None and taken.logical_id != logical_id:
            raise element_id_taken(self.resource_type, taken.logical_id)
        note_change(
            ctx, patient, f"{self.resource_type}/{logical_id or key} ({ctx.actor.audit_name})"
        )
        created = old is None and not (generated and old_key)
        if logical_id and not generated:
            state.rows[(self.resource_type, key)] = identity.remember(
                self.resource_type,
                logical_id,
                patient,
                element=key,
                patient_id=patient.pk,
                identifiers=[
                    identity.keepable(i)
                    for i in _as_list(data.get("identifier"))
                    if isinstance(i, dict)
                ],
                created_by_id=ctx.actor.organization_id,
            )
        services.contribute(ctx, patient)
        if not ctx.extra.get("in_bundle"):
            ctx.flush()
            state = load(patient)
        else:
            state.version_number = pending_version(ctx, patient)
        element = self._element(state, key)
        if element is None:  # e.g. a device statement saying "no ICD"
            return {"resourceType": self.resource_type, "id": logical_id or key}, created
        return build(state, element), created

    def patient_of(self, ctx: FhirContext, data: dict[str, Any]) -> Patient:
        path = f"{self.resource_type}.{self.patient_path}"
        if data.get(self.patient_path) is None:
            raise FhirError(
                422,
                Issue(
                    "required",
                    _("%(path)s is required: the care plan belongs to a patient."),
                    (path,),
                    params={"path": path},
                    key="patient-required",
                ),
            )
        _t, patient = resolve_reference(ctx, data[self.patient_path], ("Patient",), path)
        assert isinstance(patient, Patient)
        return patient


def _as_list(value: Any) -> list[Any]:
    """A repeating element as a list (QuestionnaireResponse.identifier is a single one)."""
    if isinstance(value, dict):
        return [value]
    return value if isinstance(value, list) else []


class Built:
    """The resources a search's plans yield, built when first asked for (a search for
    Consents need not build the form; a chain or an include may need an Encounter)."""

    def __init__(self) -> None:
        self._pending: dict[str, tuple[PlanState, Element]] = {}
        self._done: dict[str, dict[str, Any]] = {}

    def add(self, ref: str, state: PlanState, element: Element) -> None:
        self._pending[ref] = (state, element)

    def __contains__(self, ref: object) -> bool:
        return ref in self._done or ref in self._pending

    def __getitem__(self, ref: str) -> dict[str, Any]:
        if ref not in self._done:
            state, element = self._pending[ref]
            self._done[ref] = build(state, element)
        return self._done[ref]

    def get(self, ref: str) -> dict[str, Any] | None:
        if ref not in self:
            return None
        return self[ref]


def _visible(ctx: FhirContext, pks: list[int]) -> list[Patient]:
    """The patients among ``pks`` the client may see, checked one by one through the access
    policy (ACP requests name one patient: cheaper than the full visibility subquery)."""
    candidates = Patient.objects.select_related("gp_practice", PLAN_RELATION).filter(
        pk__in=pks[:50]
    )
    return [p for p in candidates.order_by("pk") if patient_access.access_purpose(ctx.actor, p)]


def pending_version(ctx: FhirContext, patient: Patient) -> int:
    item = ctx.extra.get("acp_pending", {}).get(patient.pk)
    return (item.based_on + 1) if item else 0


def _token_match(resource: dict[str, Any], path: str, crit: Criterion) -> bool:
    nodes = [n for _w, n in _nodes(resource, f"{resource['resourceType']}.{path}")]
    pairs = []
    for node in nodes:
        if isinstance(node, dict) and "coding" in node:
            pairs += [(x.get("system", ""), x.get("code", "")) for x in node["coding"]]
        elif isinstance(node, dict) and "code" in node:
            pairs.append((node.get("system", ""), node.get("code", "")))
        elif isinstance(node, str):
            pairs.append(("", node))
    if crit.modifier == "in":
        return any(pair in (expand(v) or frozenset()) for v in crit.values for pair in pairs)
    if crit.modifier == "not-in":
        return not any(pair in (expand(v) or frozenset()) for v in crit.values for pair in pairs)
    return any(token_matches(v, s, code) for v in crit.values for s, code in pairs)


def _fetch(ctx: FhirContext, refs: list[str]) -> list[dict[str, Any]]:
    """Resources for ``_include``: from what the search built, else read (access-checked)."""
    from .. import handler_for

    built: Built = ctx.extra.get("built") or Built()
    opened = {state.patient_ref: state for state in ctx.extra.get("states", {}).values()}
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for ref in refs:
        match = re.search(r"([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})$", ref)
        if match is None or ref in seen:
            continue
        seen.add(ref)
        key = f"{match.group(1)}/{match.group(2)}"
        if key in built:
            found.append(built[key])
            continue
        if match.group(1) == "Patient":
            # A patient the search already opened (access checked and logged) by its id.
            state = opened.get(key)
            pk = state.patient.pk if state is not None else patient_pk(match.group(2)) or 0
            patients = [state.patient] if state is not None else _visible(ctx, [pk])
            patient = patients[0] if patients else None
            if patient is not None:
                row = identity.ids_for("Patient", PATIENT_TARGET, [patient.pk]).get(patient.pk)
                if state is not None:
                    from .patient_hooks import enrich_from

                    resource = patient_to_fhir(patient, row, enrich=False)
                    enrich_from(state, resource)
                    found.append(resource)
                else:
                    found.append(patient_to_fhir(patient, row))
            continue
        try:
            found.append(handler_for(match.group(1)).read(ctx, match.group(2)))
        except FhirError:
            continue
    return found


def _content(resource: dict[str, Any]) -> dict[str, Any]:
    """A resource without its meta (to see whether a plan version changed it)."""
    return {k: v for k, v in resource.items() if k != "meta"}
