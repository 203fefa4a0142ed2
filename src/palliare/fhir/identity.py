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
from dataclasses import dataclass, field
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


def lookup(
    resource_type: str,
    logical_ids: Iterable[str],
    target_type: str = "",
    target_pks: Iterable[int] = (),
) -> list[ResourceIdentity]:
    """In one query: the rows of ``Type/id`` for each of ``logical_ids`` and every row of
    ``resource_type`` that stands for one of the ``target_pks`` (oldest first)."""
    names = sorted({i for i in logical_ids if ID_PATTERN.match(i or "")})
    pks = sorted(set(target_pks))
    if not names and not pks:
        return []
    condition = models.Q(logical_id__in=names)
    if pks:
        condition |= models.Q(target_type=target_type, target_id__in=pks)
    return list(
        ResourceIdentity.objects.filter(resource_type=resource_type)
        .filter(condition)
        .order_by("pk")
    )


def find(resource_type: str, logical_id: str) -> ResourceIdentity | None:
    return next(
        (r for r in lookup(resource_type, [logical_id]) if r.logical_id == logical_id), None
    )


#: (resource type, target type, element) of identity rows.
Group = tuple[str, str, str]
TargetKey = tuple[str, str, str, int]


def _fetch(
    groups: dict[Group, set[int]], patients: set[int]
) -> tuple[dict[TargetKey, ResourceIdentity | None], dict[int, list[ResourceIdentity]]]:
    """One query for the identity rows of several kinds of targets, and (``patients``) every
    row about those patients (the elements of their care plans)."""
    condition = models.Q(pk__in=[])
    for (rtype, target, element), pks in groups.items():
        if pks:
            condition |= models.Q(
                resource_type=rtype, target_type=target, element=element, target_id__in=sorted(pks)
            )
    if patients:
        condition |= models.Q(patient_id__in=sorted(patients))
    targets: dict[TargetKey, ResourceIdentity | None] = {
        (*group, pk): None for group, pks in groups.items() for pk in pks
    }
    of_patient: dict[int, list[ResourceIdentity]] = {pk: [] for pk in patients}
    if not targets and not of_patient:
        return targets, of_patient
    # Where a directory entry was linked under several ids (a known AGB or BIG number sent
    # again), references name the first id it was given: the newest rows come first and the
    # oldest overwrites them.
    for row in ResourceIdentity.objects.filter(condition).order_by("-pk"):
        key = (row.resource_type, row.target_type, row.element, row.target_id)
        if key in targets:
            targets[key] = row
        if row.patient_id in of_patient:
            of_patient[row.patient_id].append(row)
    for rows in of_patient.values():
        rows.reverse()  # oldest first
    return targets, of_patient


@dataclass
class _Batch:
    targets: dict[TargetKey, ResourceIdentity | None] = field(default_factory=dict)
    of_patient: dict[int, list[ResourceIdentity]] = field(default_factory=dict)


#: Identity rows fetched ahead within a read (see :func:`batch`).
_prefetched: ContextVar[_Batch | None] = ContextVar("fhir_identity_prefetched", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Within the block, :func:`ids_for`, :func:`logical_id` and :func:`rows_of_patients`
    answer from rows fetched before in the block (:func:`fetch`, :func:`prefetch`, earlier
    calls): one query for a whole page instead of one per reference. For reads only: rows a
    write changes are not fetched again."""
    token = _prefetched.set(_Batch())
    try:
        yield
    finally:
        _prefetched.reset(token)


def fetch(groups: dict[Group, set[int]], patients: Iterable[int] = ()) -> None:
    """Within :func:`batch`, fetch in one query what is not fetched yet: the identity rows of
    the targets in ``groups`` and the rows about ``patients``."""
    cache = _prefetched.get()
    if cache is None:
        return
    missing = {
        group: {pk for pk in pks if (*group, pk) not in cache.targets}
        for group, pks in groups.items()
    }
    wanted = {int(pk) for pk in patients if int(pk) not in cache.of_patient}
    targets, of_patient = _fetch({g: pks for g, pks in missing.items() if pks}, wanted)
    cache.targets.update(targets)
    cache.of_patient.update(of_patient)


def note_none(resource_type: str, target_type: str, pk: int, element: str = "") -> None:
    """Within :func:`batch`: a lookup has shown that no row stands for this target."""
    cache = _prefetched.get()
    if cache is not None:
        cache.targets[(resource_type, target_type, element, int(pk))] = None


def ids_for(
    resource_type: str, target_type: str, target_ids: Iterable[int], element: str = ""
) -> dict[int, ResourceIdentity]:
    """The identity rows of many targets at once (one query; none for the targets fetched
    before within :func:`batch`)."""
    wanted = {int(pk) for pk in target_ids}
    if not wanted:
        return {}
    group = (resource_type, target_type, element)
    cache = _prefetched.get()
    if cache is None:
        targets = _fetch({group: wanted}, set())[0]
    else:
        fetch({group: wanted})
        targets = cache.targets
    return {pk: row for pk in wanted if (row := targets[(*group, pk)]) is not None}


def rows_of_patients(pks: Iterable[int]) -> dict[int, list[ResourceIdentity]]:
    """Every identity row about each of these patients (oldest first), in one query (none
    for the patients fetched before within :func:`batch`)."""
    wanted = {int(pk) for pk in pks}
    cache = _prefetched.get()
    if cache is None:
        return _fetch({}, wanted)[1]
    fetch({}, wanted)
    return {pk: cache.of_patient[pk] for pk in wanted}


def prefetch(resource_type: str, objs: Iterable[models.Model], element: str = "") -> None:
    """Fetch the identity rows of ``objs`` (all of one model) for :func:`logical_id`."""
    objs = [o for o in objs if o is not None]
    if objs:
        fetch({(resource_type, label(objs[0]), element): {int(o.pk) for o in objs}})


def logical_id(
    resource_type: str, obj: models.Model, element: str = "", default: str | None = None
) -> str:
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
