"""The FHIR interactions over the handlers: read, search, create, update (also as create) and
transaction/batch Bundles. Views parse HTTP; this module does the work, inside one database
transaction per write (all-or-nothing) and with an access-log event per interaction."""

from __future__ import annotations

import copy
import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditOutcome

from . import identity, keep
from .constants import MAX_BUNDLE_ENTRIES
from .context import FhirContext
from .outcome import FhirError, Issue
from .resources import Handler, handler_for
from .resources.base import HistoryEntry, interaction_not_supported
from .search import Query
from .validation import validate_resource


def read(ctx: FhirContext, resource_type: str, logical_id: str) -> dict[str, Any]:
    handler = handler_for(resource_type)
    ctx.require(resource_type, "read")
    with identity.batch():  # each identity row read once for the request
        return keep.merged([handler.read(ctx, logical_id)])[0]


def vread(ctx: FhirContext, resource_type: str, logical_id: str, version: str) -> dict[str, Any]:
    handler = handler_for(resource_type)
    ctx.require(resource_type, "read")
    _require_interaction(handler, "vread")
    return keep.merged_version(handler.vread(ctx, logical_id, version), version)


def history(ctx: FhirContext, resource_type: str, logical_id: str) -> list[HistoryEntry]:
    handler = handler_for(resource_type)
    ctx.require(resource_type, "read")
    _require_interaction(handler, "history-instance")
    return keep.merged_history(resource_type, logical_id, handler.history(ctx, logical_id))


def delete(ctx: FhirContext, resource_type: str, logical_id: str) -> None:
    """Withdraw a resource where the domain allows it (a new version, never an erasure)."""
    handler = handler_for(resource_type)
    ctx.require(resource_type, "write")
    _require_interaction(handler, "delete")
    handler.delete(ctx, logical_id)


def _require_interaction(handler: Handler, interaction: str) -> None:
    if interaction not in handler.interactions:
        raise interaction_not_supported(handler.resource_type, interaction)


def search(
    ctx: FhirContext, query: Query
) -> tuple[list[dict[str, Any]], int, list[dict[str, Any]]]:
    handler = handler_for(query.resource_type)
    ctx.require(query.resource_type, "read")
    with identity.batch():  # each identity row read once for the request
        matches, total = handler.search(ctx, query)
        # What the clients sent, merged in: one query for the page and the resources it
        # refers to (what an _include adds), a second one only for included resources that
        # the page does not refer to (_revinclude).
        received: dict[tuple[str, str], Any] = {}
        matches = keep.merged(
            matches, received, keep.references(matches) if query.includes else set()
        )
        included: list[dict[str, Any]] = []
        for include in query.includes:
            included += [
                r
                for r in handler.include(ctx, matches, include)
                if ctx.scopes.allows(r["resourceType"], "read")
            ]
        for revinclude in query.revincludes:
            if ctx.scopes.allows(revinclude.partition(":")[0], "read"):
                included += handler.revinclude(ctx, matches, revinclude)
        return matches, total, keep.merged(included, received) if included else []


def write(
    ctx: FhirContext, resource_type: str, logical_id: str | None, data: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """Validate and store one resource: create (no id) or update-as-create (client id)."""
    handler = handler_for(resource_type)
    ctx.require(resource_type, "write")
    if ("create" if logical_id is None else "update") not in handler.interactions:
        raise FhirError(
            405,
            Issue(
                "not-supported",
                _("%(type)s cannot be written."),
                params={"type": resource_type},
                key="write-not-supported",
            ),
        )
    if logical_id is not None:
        if (
            identity.find(resource_type, logical_id) is None
            and not logical_id.isdigit()
            and not handler.assigned_id(ctx, logical_id)
        ):
            identity.check_client_id(resource_type, logical_id)
        body_id = data.get("id")
        if body_id is None:
            raise FhirError(
                400,
                Issue(
                    "required",
                    _("The resource must carry the id of the URL (%(id)s)."),
                    (f"{resource_type}.id",),
                    params={"id": logical_id},
                    key="id-missing",
                ),
            )
        if body_id != logical_id:
            raise FhirError(
                400,
                Issue(
                    "invalid",
                    _("The id in the body (%(body)s) differs from the id in the URL (%(id)s)."),
                    (f"{resource_type}.id",),
                    params={"body": str(body_id)[:64], "id": logical_id},
                    key="id-mismatch",
                ),
            )
    ctx.warnings += validate_resource(data, resource_type)
    sent = copy.deepcopy(data)
    resource, created = handler.write(ctx, logical_id, data)
    return keep.received(ctx, sent, resource), created


# --- conditional create and update ---------------------------------------------------------


def conditional_matches(ctx: FhirContext, resource_type: str, criteria: str) -> list[str]:
    """The ids of the resources the client may see that match ``criteria`` (a search query
    string), at most two (enough to tell none, one and several). The criteria are parsed
    strictly: an unsupported parameter would widen the match, so it is a 400."""
    from django.http import QueryDict

    from .search import parse_query

    handler = handler_for(resource_type)
    ctx.require(resource_type, "read")
    params = QueryDict(criteria.lstrip("?"))
    if not [name for name in params if not name.startswith("_") or name in ("_id",)]:
        raise FhirError(
            400,
            Issue(
                "required",
                _(
                    "A conditional create or update needs search criteria (e.g. "
                    "identifier=system|value)."
                ),
                key="conditional-criteria-required",
            ),
        )
    query = parse_query(resource_type, params, handler.params, (), True)
    query.count, query.page, query.includes = 2, 1, []
    matches, total = handler.search(ctx, query)
    for key in ("built", "states"):  # the search's caches: the write reads afresh
        ctx.extra.pop(key, None)
    ids = [str(r["id"]) for r in matches]
    return ids if total <= len(ids) else [*ids, "…"]


def several_matches(resource_type: str, count: int) -> FhirError:
    return FhirError(
        412,
        Issue(
            "multiple-matches",
            _(
                "The criteria match more than one %(type)s; make them select one resource "
                "(e.g. by identifier)."
            ),
            params={"type": resource_type, "count": count},
            key="multiple-matches",
        ),
    )


def conditional_create(
    ctx: FhirContext, resource_type: str, criteria: str, data: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """POST with ``If-None-Exist``: no match → create; one → that resource, unchanged (200);
    several → 412."""
    _require_interaction(handler_for(resource_type), "create")
    ids = conditional_matches(ctx, resource_type, criteria)
    if len(ids) > 1:
        raise several_matches(resource_type, len(ids))
    if ids:
        return read(ctx, resource_type, ids[0]), False
    return write(ctx, resource_type, None, data)


def conditional_update(
    ctx: FhirContext, resource_type: str, criteria: str, data: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """PUT [type]?criteria: no match → create (with the body's id, if any); one → update it;
    several → 412."""
    _require_interaction(handler_for(resource_type), "update")
    ids = conditional_matches(ctx, resource_type, criteria)
    if len(ids) > 1:
        raise several_matches(resource_type, len(ids))
    body_id = data.get("id")
    if ids:
        if body_id is not None and body_id != ids[0]:
            raise FhirError(
                400,
                Issue(
                    "invalid",
                    _(
                        "The id in the body (%(body)s) differs from the id of the resource "
                        "the criteria select (%(id)s)."
                    ),
                    (f"{resource_type}.id",),
                    params={"body": str(body_id)[:64], "id": ids[0]},
                    key="id-mismatch",
                ),
            )
        return write(ctx, resource_type, ids[0], {**data, "id": ids[0]})
    if isinstance(body_id, str) and body_id:
        try:
            handler_for(resource_type).resolve(ctx, body_id)
        except FhirError:
            return write(ctx, resource_type, body_id, data)  # update as create
        raise FhirError(
            409,
            Issue(
                "conflict",
                _(
                    "%(type)s/%(id)s exists but does not match the criteria; update it by id "
                    "or change the criteria."
                ),
                (f"{resource_type}.id",),
                params={"type": resource_type, "id": body_id[:64]},
                key="id-exists-not-matching",
            ),
        )
    return write(ctx, resource_type, None, {k: v for k, v in data.items() if k != "id"})


def record_failure(ctx: FhirContext, interaction: str, target: str, exc: FhirError) -> None:
    """Refused and failed interactions are logged too (after the rollback of their work)."""
    outcome = AuditOutcome.DENIED if exc.status in (401, 403, 404, 409) else AuditOutcome.FAILURE
    if exc.patient_id is not None and any(i.key == "duplicate-bsn" for i in exc.issues):
        # Learning that a BSN is in the palliative register is itself a disclosure.
        audit.record(
            "patient.duplicate_registration",
            actor=ctx.actor,
            action=AuditAction.READ,
            patient_id=exc.patient_id,
            outcome=AuditOutcome.DENIED,
        )
    audit.record(
        f"fhir.{interaction}",
        actor=ctx.actor,
        action=_ACTIONS.get(interaction, AuditAction.EXECUTE),
        outcome=outcome,
        patient_id=exc.patient_id,
        details={
            "target": target[:200],
            "status": exc.status,
            "issues": [i.key or i.code for i in exc.issues][:20],
        },
    )


_ACTIONS = {
    "read": AuditAction.READ,
    "vread": AuditAction.READ,
    "history": AuditAction.READ,
    "delete": AuditAction.DELETE,
    "search": AuditAction.READ,
    "create": AuditAction.CREATE,
    "update": AuditAction.UPDATE,
    "transaction": AuditAction.EXECUTE,
    "batch": AuditAction.EXECUTE,
}


def record_write(
    ctx: FhirContext, interaction: str, resource: dict[str, Any], patient_id: int | None = None
) -> None:
    audit.record(
        f"fhir.{interaction}",
        actor=ctx.actor,
        action=_ACTIONS[interaction],
        patient_id=patient_id,
        details={"resource": f"{resource['resourceType']}/{resource['id']}"},
    )


# --- Bundles -----------------------------------------------------------------------------------

_ENTRY_URL = re.compile(r"^(?P<type>[A-Z][A-Za-z]+)(?:/(?P<id>[A-Za-z0-9\-.]{1,64}))?(?:\?.*)?$")


def _entry_error(index: int, message: Any, **params: Any) -> FhirError:
    return FhirError(
        400,
        Issue(
            "invalid",
            message,
            (f"Bundle.entry[{index}]",),
            params={"index": index, **params},
            key="bundle-entry",
        ),
    )


def _references(value: Any, skip_contact: bool = False) -> set[str]:
    """Every ``reference`` string inside a resource."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                found.add(item)
            elif not (skip_contact and key == "contact"):
                found |= _references(item)
    elif isinstance(value, list):
        for item in value:
            found |= _references(item)
    return found


def _order(entries: list[dict[str, Any]]) -> list[int]:
    """Entries in an order in which references between them resolve (targets first); ties
    and cycles keep the Bundle's order."""
    keys: dict[str, int] = {}
    for i, entry in enumerate(entries):
        if entry.get("fullUrl"):
            keys[entry["fullUrl"]] = i
        url = entry.get("request", {}).get("url", "")
        if entry.get("request", {}).get("method") == "PUT":
            keys[url.split("?")[0]] = i
    deps: dict[int, set[int]] = {}
    for i, entry in enumerate(entries):
        refs = _references(entry.get("resource"), skip_contact=True)
        deps[i] = {keys[r] for r in refs if r in keys and keys[r] != i}
    done: list[int] = []
    visiting: set[int] = set()

    def visit(i: int) -> None:
        if i in done or i in visiting:
            return
        visiting.add(i)
        for d in sorted(deps[i]):
            visit(d)
        visiting.discard(i)
        done.append(i)

    for i in range(len(entries)):
        visit(i)
    return done


def process_bundle(ctx: FhirContext, bundle: dict[str, Any]) -> dict[str, Any]:
    kind = bundle.get("type")
    if kind not in ("transaction", "batch"):
        raise FhirError(
            400,
            Issue(
                "invalid",
                _("Only transaction and batch Bundles can be posted to the base URL."),
                ("Bundle.type",),
                key="bundle-type",
            ),
        )
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise FhirError(
            400,
            Issue(
                "structure",
                _("Bundle.entry must be a list."),
                ("Bundle.entry",),
                key="bundle-entry",
            ),
        )
    if len(entries) > MAX_BUNDLE_ENTRIES:
        raise FhirError(
            413,
            Issue(
                "too-costly",
                _(
                    "A Bundle may hold at most %(max)s entries (this one has %(count)s); "
                    "split it into several requests."
                ),
                ("Bundle.entry",),
                params={"max": MAX_BUNDLE_ENTRIES, "count": len(entries)},
                key="bundle-too-large",
            ),
        )
    for i, entry in enumerate(entries):
        req = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(req, dict) or req.get("method") not in ("POST", "PUT", "GET"):
            raise _entry_error(i, _("Entry %(index)s needs request.method POST, PUT or GET."))
        if not isinstance(req.get("url"), str) or not _ENTRY_URL.match(req["url"]):
            raise _entry_error(i, _("Entry %(index)s has no valid request.url (Type or Type/id)."))
        if req["method"] in ("POST", "PUT") and not isinstance(entry.get("resource"), dict):
            raise _entry_error(i, _("Entry %(index)s has no resource."))
    responses: list[dict[str, Any] | None] = [None] * len(entries)
    if kind == "transaction":
        with transaction.atomic():
            ctx.extra["in_bundle"] = True
            for i in _order(entries):
                responses[i] = _process_entry(ctx, i, entries[i], transactional=True)
            ctx.extra["in_bundle"] = False
            ctx.flush()  # one new care-plan version per patient for the whole Bundle
            audit.record(
                "fhir.transaction",
                actor=ctx.actor,
                action=AuditAction.EXECUTE,
                details={"entries": len(entries)},
            )
    else:
        for i in range(len(entries)):
            try:
                with transaction.atomic():
                    responses[i] = _process_entry(ctx, i, entries[i], transactional=False)
                    ctx.flush()
            except FhirError as exc:
                from .outcome import operation_outcome

                # The entry's unsaved plan changes go with its rollback (not into the next).
                ctx.extra.pop("acp_pending", None)
                ctx.extra.pop("flushers", None)
                responses[i] = {
                    "response": {
                        "status": str(exc.status),
                        "outcome": operation_outcome(exc.issues),
                    }
                }
        audit.record(
            "fhir.batch",
            actor=ctx.actor,
            action=AuditAction.EXECUTE,
            details={"entries": len(entries)},
        )
    return {
        "resourceType": "Bundle",
        "type": f"{kind}-response",
        "entry": responses,
    }


def _process_entry(
    ctx: FhirContext, index: int, entry: dict[str, Any], transactional: bool
) -> dict[str, Any]:
    req = entry["request"]
    match = _ENTRY_URL.match(req["url"])
    assert match is not None
    rtype, rid = match.group("type"), match.group("id")
    # Each entry has its own precondition (Bundle.entry.request.ifMatch), never the header's.
    ctx.extra.pop("if_match", None)
    try:
        if_match = req.get("ifMatch")
        if if_match is not None:
            digits = str(if_match).removeprefix("W/").strip('"')
            if not digits.isdigit() or len(digits) > 18:
                raise _entry_error(
                    index, _('Entry %(index)s: ifMatch must be a version ETag such as W/"3".')
                )
            ctx.extra["if_match"] = int(digits)
        if req["method"] == "GET":
            if rid is None:
                raise _entry_error(
                    index, _("Entry %(index)s: only reads (GET Type/id) are supported in a Bundle.")
                )
            resource = read(ctx, rtype, rid)
            return {"resource": resource, "response": {"status": "200 OK"}}
        data = entry["resource"]
        if data.get("resourceType") != rtype:
            raise _entry_error(
                index,
                _("Entry %(index)s: the resource is a %(found)s but request.url names %(type)s."),
                found=str(data.get("resourceType"))[:40],
                type=rtype,
            )
        if req["method"] == "POST":
            if rid is not None:
                raise _entry_error(
                    index,
                    _("Entry %(index)s: POST goes to the type (%(type)s), not to an id."),
                    type=rtype,
                )
            data = {k: v for k, v in data.items() if k != "id"}
            if req.get("ifNoneExist"):
                resource, created = conditional_create(
                    ctx, rtype, str(req["ifNoneExist"]), _resolve_placeholders(ctx, data)
                )
            else:
                resource, created = write(ctx, rtype, None, _resolve_placeholders(ctx, data))
        elif rid is None and "?" in req["url"]:
            resource, created = conditional_update(
                ctx, rtype, req["url"].partition("?")[2], _resolve_placeholders(ctx, data)
            )
        else:
            if rid is None:
                raise _entry_error(index, _("Entry %(index)s: PUT needs Type/id."))
            resource, created = write(ctx, rtype, rid, _resolve_placeholders(ctx, data))
        if entry.get("fullUrl"):
            ctx.placeholders[entry["fullUrl"]] = f"{rtype}/{resource['id']}"
        record_write(ctx, "create" if created else "update", resource)
    except FhirError as exc:
        for issue_index, issue in enumerate(exc.issues):
            exc.issues[issue_index] = Issue(
                issue.code,
                issue.message,
                tuple(
                    f"Bundle.entry[{index}].resource.{e.split('.', 1)[1]}"
                    if "." in e and not e.startswith("Bundle")
                    else e
                    for e in issue.expression
                ),
                issue.severity,
                issue.params,
                issue.key,
            )
        raise
    version = resource.get("meta", {}).get("versionId", "1")
    return {
        "fullUrl": f"{ctx.base_url}/{rtype}/{resource['id']}",
        "resource": resource,
        "response": {
            "status": "201 Created" if created else "200 OK",
            "location": f"{rtype}/{resource['id']}/_history/{version}",
            "etag": f'W/"{version}"',
            **(
                {"lastModified": resource["meta"]["lastUpdated"]}
                if resource.get("meta", {}).get("lastUpdated")
                else {}
            ),
        },
    }


def _resolve_placeholders(ctx: FhirContext, data: Any) -> Any:
    """Replace ``urn:uuid:`` references by the ids their entries were given."""
    if isinstance(data, dict):
        result = {}
        for key, value in data.items():
            if key == "reference" and isinstance(value, str) and value in ctx.placeholders:
                result[key] = ctx.placeholders[value]
            else:
                result[key] = _resolve_placeholders(ctx, value)
        return result
    if isinstance(data, list):
        return [_resolve_placeholders(ctx, v) for v in data]
    return data
