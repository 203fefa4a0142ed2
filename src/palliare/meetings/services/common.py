"""Shared pieces of the meeting services."""

from __future__ import annotations

from typing import Any

from django.db import models

from palliare.accounts.actors import Actor
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.organizations.models import Organization, Professional
from palliare.patients.services import ConflictError

__all__ = ["ConflictError", "actor_name", "log", "professional_email", "works_at"]


def actor_name(actor: Actor) -> str:
    return actor.audit_name


def professional_email(professional: Professional) -> str:
    """The address to invite a professional at: their directory e-mail, else their login's."""
    if professional.email:
        return professional.email
    return professional.user.email if professional.user is not None else ""


def works_at(professional: Professional, organization: Organization) -> bool:
    return professional.memberships.current().filter(organization=organization).exists()


def log(
    event: str,
    actor: Actor,
    action: AuditAction,
    subject: models.Model,
    *,
    patient_id: int | None = None,
    patient_ids: list[int] | None = None,
    **details: Any,
) -> None:
    """Write the access-log record of a change (same transaction as the change)."""
    audit.record(
        event,
        actor=actor,
        action=action,
        subject=subject,
        patient_id=patient_id,
        patient_ids=patient_ids or (),
        purpose=AuditPurpose.TREATMENT if (patient_id or patient_ids) else "",
        details={k: str(v) for k, v in details.items()},
    )
