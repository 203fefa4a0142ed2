"""Logical ids: the map between FHIR ``Type/id`` and domain objects (``ResourceIdentity``).

A domain object without a row is exposed under its primary key (``Patient/123``). A client may
assign its own id with PUT (update-as-create); such ids must contain at least one character
that is not a digit, so they never collide with primary keys, and must not start with the
reserved prefix ``acp-`` (generated ids of care-plan elements).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ResourceIdentity
from .outcome import FhirError, Issue

ID_PATTERN = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
RESERVED_PREFIX = "acp-"


def check_client_id(resource_type: str, logical_id: str) -> None:
    if not ID_PATTERN.match(logical_id):
        raise FhirError(
            400,
            Issue(
                "value",
                _("%(id)s is not a valid FHIR id (1-64 letters, digits, '-' and '.')."),
                (f"{resource_type}.id",),
                params={"id": logical_id[:80]},
                key="invalid-id",
            ),
        )
    if logical_id.isdigit() or logical_id.startswith(RESERVED_PREFIX):
        raise FhirError(
            400,
            Issue(
                "value",
                _(
                    "Client-assigned ids must contain a letter and must not start with "
                    "'acp-': %(id)s is reserved for ids Palliare assigns."
                ),
                (f"{resource_type}.id",),
                params={"id": logical_id},
                key="reserved-id",
            ),
        )


def label(obj: models.Model) -> str:
    return obj._meta.label_lower


def find(resource_type: str, logical_id: str) -> ResourceIdentity | None:
    if not ID_PATTERN.match(logical_id or ""):
        return None
    return ResourceIdentity.objects.filter(
        resource_type=resource_type, logical_id=logical_id
    ).first()


def ids_for(
    resource_type: str, target_type: str, target_ids: Iterable[int], element: str = ""
) -> dict[int, ResourceIdentity]:
    """The identity rows of many targets at once (one query)."""
    wanted = list(set(target_ids))
    if not wanted:
        return {}
    rows = ResourceIdentity.objects.filter(
        resource_type=resource_type,
        target_type=target_type,
        target_id__in=wanted,
        element=element,
    ).order_by("-pk")
    # Where a directory entry was linked under several ids (a known AGB or BIG number sent
    # again), references name the first id it was given: the newest rows come first and the
    # oldest overwrites them.
    return {row.target_id: row for row in rows}


#: Identity rows fetched ahead for a page of search results (see :func:`batch`).
_prefetched: ContextVar[dict[tuple[str, str, str, int], ResourceIdentity | None] | None] = (
    ContextVar("fhir_identity_prefetched", default=None)
)


@contextmanager
def batch() -> Iterator[None]:
    """Within the block, :func:`logical_id` answers from rows fetched with :func:`prefetch`
    (one query per resource type for a whole page instead of one per reference)."""
    token = _prefetched.set({})
    try:
        yield
    finally:
        _prefetched.reset(token)


def prefetch(resource_type: str, objs: Iterable[models.Model], element: str = "") -> None:
    """Fetch the identity rows of ``objs`` (all of one model) for :func:`logical_id`."""
    cache = _prefetched.get()
    objs = [o for o in objs if o is not None]
    if cache is None or not objs:
        return
    target = label(objs[0])
    pks = {int(o.pk) for o in objs}
    found = ids_for(resource_type, target, pks, element)
    for pk in pks:
        cache[(resource_type, target, element, pk)] = found.get(pk)


def logical_id(
    resource_type: str, obj: models.Model, element: str = "", default: str | None = None
) -> str:
    cache = _prefetched.get()
    key = (resource_type, label(obj), element, int(obj.pk))
    if cache is not None and key in cache:
        row = cache[key]
    else:
        row = ids_for(resource_type, label(obj), [int(obj.pk)], element).get(int(obj.pk))
    if row is not None:
        return row.logical_id
    return default if default is not None else str(obj.pk)


def remember(
    resource_type: str,
    logical_id: str,
    obj: models.Model,
    *,
    element: str = "",
    patient_id: int | None = None,
    identifiers: list[dict[str, Any]] | None = None,
    created_by_id: int | None = None,
) -> ResourceIdentity:
    """Create or refresh the identity row of ``Type/logical_id`` (version + 1 on refresh)."""
    row = ResourceIdentity.objects.filter(
        resource_type=resource_type, logical_id=logical_id
    ).first()
    now = timezone.now()
    if row is None:
        return ResourceIdentity.objects.create(
            resource_type=resource_type,
            logical_id=logical_id,
            target_type=label(obj),
            target_id=int(obj.pk),
            element=element,
            patient_id=patient_id,
            identifiers=identifiers or [],
            created_by_id=created_by_id,
            created_at=now,
            updated_at=now,
        )
    row.target_type = label(obj)
    row.target_id = int(obj.pk)
    row.element = element
    row.patient_id = patient_id
    if identifiers is not None:
        row.identifiers = identifiers
    row.version += 1
    row.updated_at = now
    row.save()
    return row


def extra_identifiers(row: ResourceIdentity | None) -> list[dict[str, Any]]:
    if row is None:
        return []
    return [dict(i) for i in row.identifiers]


def keepable(identifier: dict[str, Any]) -> dict[str, Any]:
    """The parts of an Identifier that make up identity (not content)."""
    return {k: identifier[k] for k in ("use", "type", "system", "value") if k in identifier}


def with_identifier(resource_type: str, system: str | None, value: str) -> list[int]:
    """Targets of identity rows holding the business identifier ``system|value`` (``system``
    None: any system). These rows are few (only resources with extra identifiers)."""
    found = []
    rows = ResourceIdentity.objects.filter(resource_type=resource_type).exclude(identifiers=[])
    for row in rows.only("target_id", "identifiers"):
        for ident in row.identifiers:
            if ident.get("value") == value and (
                system is None or ident.get("system", "") == system
            ):
                found.append(row.target_id)
                break
    return found
