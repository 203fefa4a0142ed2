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
