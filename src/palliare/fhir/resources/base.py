"""The handler of a resource type: read, search, write and includes, over the domain."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from ..context import FhirContext
from ..outcome import FhirError, Issue
from ..search import Query, SearchParam

REGISTRY: dict[str, Handler] = {}


def register(cls: type[Handler]) -> type[Handler]:
    REGISTRY[cls.resource_type] = cls()
    return cls


def handler_for(resource_type: str) -> Handler:
    from . import load

    load()
    handler = REGISTRY.get(resource_type)
    if handler is None or resource_type.startswith("_"):
        raise FhirError(
            404,
            Issue(
                "not-supported",
                _("Resource type %(type)s is not supported by this server."),
                params={"type": str(resource_type)[:60]},
                key="unsupported-type",
            ),
        )
    return handler


def not_found(resource_type: str, logical_id: str) -> FhirError:
    return FhirError(
        404,
        Issue(
            "not-found",
            _("%(type)s/%(id)s does not exist or you may not see it."),
            params={"type": resource_type, "id": logical_id[:64]},
            key="not-found",
        ),
    )


def unprocessable(message: Any, where: str, key: str, **params: Any) -> FhirError:
    return FhirError(422, Issue("processing", message, (where,), params=params, key=key))


def fit(value: str, limit: int, where: str) -> str:
    """``value`` if the domain can hold it, else 422 naming the element: never store less than
    was sent without saying so (issue 19, item 7)."""
    if len(value) > limit:
        raise FhirError(
            422,
            Issue(
                "too-long",
                _("%(path)s is longer than the %(limit)s characters Palliare can keep."),
                (where,),
                params={"path": where, "limit": limit},
                key="too-long",
            ),
        )
    return value


def check_version(
    ctx: FhirContext, resource_type: str, logical_id: str | None, current: Any
) -> None:
    """``If-Match`` (issue 19, item 9): when the client names the version it changes, the
    resource must exist at exactly that version; otherwise 412 and nothing changes. Without
    ``If-Match`` the update applies to the current version (optional locking, as FHIR R4
    allows; the CapabilityStatement says so)."""
    wanted = ctx.extra.get("if_match")
    if wanted is None:
        return
    if current is None or str(current) != str(wanted):
        raise FhirError(
            412,
            Issue(
                "conflict",
                _(
                    "%(type)s/%(id)s is not at version %(wanted)s (If-Match; now "
                    "%(version)s). Read it again and apply the change to that version."
                ),
                params={
                    "type": resource_type,
                    "id": (logical_id or "")[:64],
                    "wanted": wanted,
                    "version": current if current is not None else "-",
                },
                key="version-conflict",
            ),
        )


@dataclass(frozen=True)
class HistoryEntry:
    """One version in a history Bundle: the resource as it was (None for a withdrawal), and
    how it came about."""

    resource: dict[str, Any] | None
    version: str
    last_updated: str
    method: str = "PUT"  # POST (first version), PUT (change), DELETE (withdrawal)


def interaction_not_supported(resource_type: str, interaction: str) -> FhirError:
    """405: the type does not support the interaction (the CapabilityStatement agrees)."""
    return FhirError(
        405,
        Issue(
            "not-supported",
            _("%(type)s does not support the interaction %(interaction)s on this server."),
            params={"type": resource_type, "interaction": interaction},
            key=f"{interaction}-not-supported",
        ),
    )


def gone(resource_type: str, logical_id: str) -> FhirError:
    """410: the resource was withdrawn (deleted); its history remains readable."""
    return FhirError(
        410,
        Issue(
            "deleted",
            _("%(type)s/%(id)s was withdrawn; its history remains readable."),
            params={"type": resource_type, "id": logical_id[:64]},
            key="withdrawn",
        ),
    )


def version_not_found(resource_type: str, logical_id: str, version: str) -> FhirError:
    return FhirError(
        404,
        Issue(
            "not-found",
            _("%(type)s/%(id)s has no version %(version)s (or you may not see it)."),
            params={"type": resource_type, "id": logical_id[:64], "version": version[:20]},
            key="version-not-found",
        ),
    )


class Handler:
    resource_type: ClassVar[str]
    profile: ClassVar[str] = ""
    #: Further profiles the type is exported with (CapabilityStatement.supportedProfile).
    other_profiles: ClassVar[tuple[str, ...]] = ()
    params: ClassVar[dict[str, SearchParam]] = {}
    includes: ClassVar[tuple[str, ...]] = ()
    interactions: ClassVar[tuple[str, ...]] = ("read", "search-type", "create", "update")
    documentation: ClassVar[str] = ""
    #: ``_revinclude`` values a search of this type answers (e.g. ``Consent:patient``).
    revincludes: ClassVar[tuple[str, ...]] = ()
    #: ``_sort`` keys a search of this type orders by (decision 0035).
    sorts: ClassVar[tuple[str, ...]] = ()

    def vread(self, ctx: FhirContext, logical_id: str, version: str) -> dict[str, Any]:
        """One version of ``Type/id`` (interaction ``vread``)."""
        raise interaction_not_supported(self.resource_type, "vread")

    def history(self, ctx: FhirContext, logical_id: str) -> list[HistoryEntry]:
        """Every version of ``Type/id``, newest first (interaction ``history-instance``)."""
        raise interaction_not_supported(self.resource_type, "history-instance")

    def delete(self, ctx: FhirContext, logical_id: str) -> None:
        """Withdraw ``Type/id`` (recorded as a new version, never an erasure)."""
        raise interaction_not_supported(self.resource_type, "delete")

    def revinclude(
        self, ctx: FhirContext, matches: list[dict[str, Any]], revinclude: str
    ) -> list[dict[str, Any]]:
        return []

    def read(self, ctx: FhirContext, logical_id: str) -> dict[str, Any]:
        raise NotImplementedError

    def search(self, ctx: FhirContext, query: Query) -> tuple[list[dict[str, Any]], int]:
        raise NotImplementedError

    def write(
        self, ctx: FhirContext, logical_id: str | None, data: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        """Create (``logical_id`` None or new) or update; returns (resource, created)."""
        raise FhirError(
            405,
            Issue(
                "not-supported",
                _("%(type)s cannot be written through this server."),
                params={"type": self.resource_type},
                key="write-not-supported",
            ),
        )

    def assigned_id(self, ctx: FhirContext, logical_id: str) -> bool:
        """Whether ``logical_id`` is an id this server assigned to an existing resource (so a
        PUT to it is an update, not a client-assigned id)."""
        return False

    def resolve(self, ctx: FhirContext, logical_id: str) -> Any:
        """The domain object behind ``Type/id`` (for references), or FhirError 404."""
        raise not_found(self.resource_type, logical_id)

    def include(
        self, ctx: FhirContext, matches: list[dict[str, Any]], include: str
    ) -> list[dict[str, Any]]:
        return []


# --- references ------------------------------------------------------------------------

_RELATIVE = re.compile(
    r"^(?:(?P<base>https?://.+)/)?(?P<type>[A-Z][A-Za-z]+)/(?P<id>[A-Za-z0-9\-.]{1,64})(?:/_history/[A-Za-z0-9\-.]+)?$"
)


def split_reference(ctx: FhirContext, reference: Any, path: str) -> tuple[str, str]:
    """(type, logical id) of a Reference; ``urn:uuid`` entries of the same transaction are
    replaced by the ids they were given."""
    if not isinstance(reference, dict) or not isinstance(reference.get("reference"), str):
        raise unprocessable(
            _("%(path)s must be a literal reference (Type/id)."),
            path,
            "reference-form",
            path=path,
        )
    text = reference["reference"]
    if text.startswith(("urn:uuid:", "urn:oid:")):
        target = ctx.placeholders.get(text)
        if target is None:
            raise unprocessable(
                _("%(path)s refers to %(ref)s, which is not an entry of this transaction."),
                path,
                "reference-unresolved",
                path=path,
                ref=text[:100],
            )
        text = target
    match = _RELATIVE.match(text)
    if match is None:
        raise unprocessable(
            _("%(path)s: %(ref)s is not a reference of the form Type/id."),
            path,
            "reference-form",
            path=path,
            ref=text[:100],
        )
    if match.group("base") and match.group("base").rstrip("/") != ctx.base_url.rstrip("/"):
        raise unprocessable(
            _(
                "%(path)s refers to another server (%(ref)s); only references to this server "
                "can be stored."
            ),
            path,
            "reference-external",
            path=path,
            ref=text[:100],
        )
    return match.group("type"), match.group("id")


def resolve_reference(
    ctx: FhirContext, reference: Any, allowed: tuple[str, ...], path: str
) -> tuple[str, Any]:
    """(type, domain object) of a reference, checking its type and that it exists (and that the
    client may see it). A missing or invisible target is a 422 naming the element."""
    rtype, rid = split_reference(ctx, reference, path)
    declared = reference.get("type") if isinstance(reference, dict) else None
    if rtype not in allowed or (declared and declared != rtype):
        raise unprocessable(
            _("%(path)s must refer to %(allowed)s, not %(type)s."),
            path,
            "reference-type",
            path=path,
            allowed=" or ".join(allowed),
            type=rtype,
        )
    from . import handler_for

    try:
        return rtype, handler_for(rtype).resolve(ctx, rid)
    except FhirError as exc:
        if exc.status != 404:
            raise
        raise unprocessable(
            _("%(path)s refers to %(type)s/%(id)s, which does not exist (or you may not see it)."),
            path,
            "reference-not-found",
            path=path,
            type=rtype,
            id=rid,
        ) from None


def reference_to(resource_type: str, logical_id: str, display: str = "") -> dict[str, Any]:
    ref: dict[str, Any] = {"reference": f"{resource_type}/{logical_id}", "type": resource_type}
    if display:
        ref["display"] = display
    return ref
