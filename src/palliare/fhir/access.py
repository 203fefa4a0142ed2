"""The care relationship the FHIR API adds: an organisation whose client created or changed
resources about a patient is one of that patient's treating organisations (legal ground:
treatment), without a consent requirement. Everything else about who sees what stays in
``patients.access``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from palliare.accounts.actors import Actor
from palliare.audit.constants import AuditPurpose
from palliare.patients.access import RelationshipRule, register_relationship

from .models import PatientContribution


def _contributed_ids(actor: Actor) -> QuerySet[Any]:
    return (
        PatientContribution.objects.filter(organization_id=actor.organization_id or 0)
        .order_by()
        .values("patient_id")
    )


register_relationship(
    RelationshipRule(
        "fhir_contribution", _contributed_ids, consent=None, purpose=AuditPurpose.TREATMENT
    )
)


def received_for(keys: set[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """The newest :class:`~palliare.fhir.models.ReceivedResource` of each (type, id) in
    ``keys``, in one query. Called only for resources a handler has already read for the
    client (access checked and logged there): the rows add the client's wording to them."""
    from django.db.models import Max, Q

    from .models import ReceivedResource

    if not keys:
        return {}
    condition = Q()
    for rtype in sorted({t for t, _i in keys}):
        condition |= Q(resource_type=rtype, logical_id__in=sorted(i for t, i in keys if t == rtype))
    newest = (
        ReceivedResource.objects.filter(condition)
        .order_by()
        .values("resource_type", "logical_id")
        .annotate(newest=Max("id"))
        .values("newest")
    )
    return {
        (row.resource_type, row.logical_id): row
        for row in ReceivedResource.objects.filter(id__in=newest)
    }


def received_versions(resource_type: str, logical_id: str) -> list[Any]:
    """Every received row of ``Type/id``, newest first (for a vread of a resource the handler
    has already read for the client)."""
    from .models import ReceivedResource

    return list(
        ReceivedResource.objects.filter(
            resource_type=resource_type, logical_id=logical_id
        ).order_by("-id")
    )
