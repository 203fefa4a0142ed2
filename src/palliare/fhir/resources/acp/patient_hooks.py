"""The care plan's part of the Patient resource: decision-making capacity (the IKNL
LegallyCapable extension) and the contact persons (Patient.contact), both ways."""

from __future__ import annotations

from typing import Any

from palliare.patients.models import Patient

from ...context import FhirContext
from .. import patient as patient_resource
from .base import note_change, pending
from .export import capacity_extension, patient_contacts
from .imports import apply_capacity, apply_patient_contacts
from .plan import PLAN_RELATION, PlanState, load_many


def enrich(patients: list[Patient], resources: list[dict[str, Any]]) -> None:
    for state, resource in zip(load_many(patients), resources, strict=True):
        enrich_from(state, resource)


def enrich_from(state: PlanState, resource: dict[str, Any]) -> None:
    if state.version_number == 0:
        return
    extension = capacity_extension(state)
    if extension is not None:
        resource["extension"] = [extension, *resource.get("extension", [])]
    contacts = patient_contacts(state)
    if contacts:
        resource["contact"] = contacts


def write(ctx: FhirContext, patient: Patient, data: dict[str, Any]) -> None:
    has_capacity = any(
        isinstance(e, dict)
        and e.get("url", "").endswith("ext-LegallyCapable-MedicalTreatmentDecisions")
        for e in data.get("extension") or []
    )
    if not has_capacity and not data.get("contact"):
        return
    state = pending(ctx, patient)
    apply_capacity(data, state)
    apply_patient_contacts(data, state)
    note_change(ctx, patient, f"Patient ({ctx.actor.audit_name})")
    if not ctx.extra.get("in_bundle"):
        ctx.flush()


if enrich not in patient_resource.ENRICHERS:
    patient_resource.ENRICHERS.append(enrich)
    patient_resource.WRITERS.append(write)
    patient_resource.RELATED.append(PLAN_RELATION)
