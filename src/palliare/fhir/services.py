"""Writes of the FHIR boundary. Each function checks permission, changes the domain and writes
the access log in one transaction.

Patients are registered through ``patients.services.register_patient`` (``via="fhir"``, which
takes an API client's actor too and records the client's organisation as a contributing,
treating organisation; decision record 0018-fhir-boundary) and updated through
``patients.services.update_patient``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from palliare.accounts.actors import Actor
from palliare.accounts.models import Role, User
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.organizations.models import Location, Membership, Organization, Professional
from palliare.patients import services as patient_services
from palliare.patients.models import Patient

from .context import FhirContext
from .models import PatientContribution

#: The role of memberships recorded from PractitionerRole resources: it grants nothing.
EXTERNAL_ROLE_CODE = "fhir_external"


def contribute(ctx: FhirContext, patient: Patient) -> None:
    """The client's organisation sent data about ``patient``: it becomes a treating
    organisation (a care relationship without consent requirement)."""
    if ctx.actor.organization_id is None:
        return
    _row, created = PatientContribution.objects.get_or_create(
        organization_id=ctx.actor.organization_id,
        patient=patient,
        defaults={"client": ctx.client},
    )
    if created:
        audit.record(
            "fhir.care_relationship_added",
            actor=ctx.actor,
            action=AuditAction.CREATE,
            patient_id=patient.pk,
            purpose=AuditPurpose.TREATMENT,
            details={"organization_id": ctx.actor.organization_id},
        )


@transaction.atomic
def create_patient(ctx: FhirContext, data: dict[str, Any]) -> Patient:
    """Register a patient sent by an API client: the register's own steps, and the client's
    organisation becomes a contributor (treating organisation) of the patient."""
    patient = patient_services.register_patient(ctx.actor, data=data, via="fhir")
    contribute(ctx, patient)
    return patient


@transaction.atomic
def update_patient(
    ctx: FhirContext, patient: Patient, data: dict[str, Any], expected_version: int | None
) -> Patient:
    contribute(ctx, patient)
    version = expected_version if expected_version is not None else patient.version
    return patient_services.update_patient(ctx.actor, patient, data=data, expected_version=version)


# --- the directory ---------------------------------------------------------------------------


def _save_directory(ctx: FhirContext, obj: Any, event: str, created: bool) -> None:
    obj.full_clean()
    obj.save()
    audit.record(
        event,
        actor=ctx.actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        subject=obj,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"via": "fhir"},
    )


@transaction.atomic
def save_organization(ctx: FhirContext, org: Organization, created: bool) -> Organization:
    _save_directory(ctx, org, "organizations.organization_saved", created)
    return org


@transaction.atomic
def save_location(ctx: FhirContext, location: Location, created: bool) -> Location:
    _save_directory(ctx, location, "organizations.location_saved", created)
    return location


@transaction.atomic
def save_professional(ctx: FhirContext, professional: Professional, created: bool) -> Professional:
    _save_directory(ctx, professional, "organizations.professional_saved", created)
    return professional


def external_role() -> Role:
    role, _created = Role.objects.get_or_create(
        code=EXTERNAL_ROLE_CODE,
        defaults={"name": "Externe zorgverlener (via FHIR, zonder rechten)"},
    )
    return role


@transaction.atomic
def save_membership(ctx: FhirContext, membership: Membership, created: bool) -> Membership:
    if membership.role_id is None:
        membership.role = external_role()
    if membership.role.code != EXTERNAL_ROLE_CODE:
        # A FHIR client never changes who may log in where.
        raise ValidationError("only external memberships can be written through FHIR")
    _save_directory(ctx, membership, "organizations.membership_saved", created)
    return membership


def plan_actor(ctx: FhirContext) -> Actor:
    """The client as the author of a care-plan version.

    ``careplans`` records the author's account on every version, so the client acts there
    through its service account: an inactive user without password or memberships. It still
    acts with the client's id, name, organisation and scopes (the access log shows the
    client), so nothing is granted beyond the token.
    """
    client = ctx.client
    if client is None:
        return ctx.actor
    if client.service_user_id is None:
        user = User.objects.create(
            username=f"api-client-{client.client_id}"[:150],
            first_name=client.name[:150],
            is_active=False,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        client.service_user = user
        client.save(update_fields=["service_user"])
    from .auth import ClientActor

    return ClientActor(
        practitioner=getattr(ctx.actor, "practitioner", ""),
        user=client.service_user,
        client_id=ctx.actor.client_id,
        client_name=ctx.actor.client_name,
        client_organization=ctx.actor.client_organization,
        client_permissions=ctx.actor.client_permissions,
    )
