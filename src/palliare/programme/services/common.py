"""Shared pieces of the programme services: permission checks and the access-log record."""

from __future__ import annotations

from typing import Any

from django.db import models

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction
from palliare.patients.services import ConflictError

__all__ = ["ConflictError", "ensure", "ensure_any", "log"]


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
