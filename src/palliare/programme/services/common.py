"""Shared pieces of the programme services: permission checks and the access-log record."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction
from palliare.patients.services import ConflictError

__all__ = ["ConflictError", "ensure", "ensure_any", "log", "record_download", "save_from_admin"]


def ensure(actor: Actor, permission: Permission) -> None:
    """Refuse unless the actor holds ``permission`` (``Actor.require``)."""
    actor.require(permission)


def ensure_any(actor: Actor, *permissions: Permission) -> None:
    """Refuse unless the actor holds at least one of ``permissions`` (``Actor.require``)."""
    actor.require(*permissions)


def log(
    event: str,
    actor: Actor,
    subject: models.Model,
    action: AuditAction = AuditAction.UPDATE,
    **details: Any,
) -> None:
    """Write the access-log record of a change, in the same transaction as the change."""
    audit.record(
        event,
        actor=actor,
        action=action,
        subject=subject,
        details={k: str(v) for k, v in details.items()},
    )


def record_download(event: str, actor: Actor, subject: models.Model) -> None:
    """Log that ``actor`` took a copy of a stored file (a document, a delivered report, an
    issued annual report) out of Palliare. Checks the permission to view the programme."""
    actor.require(Permission.VIEW_PROGRAMME)
    audit.record(event, actor=actor, action=AuditAction.READ, subject=subject)


def save_from_admin(actor: Actor, obj: models.Model, *, created: bool, changed: list[str]) -> None:
    """Store a reference item of the programme (core element, theme) edited in the
    administration screens (the form has validated it) and log which fields changed."""
    actor.require(Permission.MANAGE_PROGRAMME)
    with transaction.atomic():
        obj.save()
        audit.record(
            f"programme.{obj._meta.model_name}_{'created' if created else 'changed'}_in_admin",
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            subject=obj,
            details={"changed": sorted(changed)},
        )
