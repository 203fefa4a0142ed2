"""Auth events that happen outside our views (failed logins, lockouts) and role set-up."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditOutcome, AuditPurpose


@receiver(user_login_failed)
def log_failed_login(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    audit.record(
        "auth.login_failed",
        actor=None,
        actor_name=str(credentials.get("username", ""))[:150],
        action=AuditAction.EXECUTE,
        outcome=AuditOutcome.FAILURE,
        purpose=AuditPurpose.SECURITY,
    )


@receiver(user_locked_out)
def log_lockout(sender: Any, username: str | None = None, **kwargs: Any) -> None:
    audit.record(
        "auth.locked_out",
        actor=None,
        actor_name=(username or "")[:150],
        action=AuditAction.EXECUTE,
        outcome=AuditOutcome.DENIED,
        purpose=AuditPurpose.SECURITY,
    )


@receiver(post_migrate)
def create_default_roles(sender: Any, app_config: Any = None, **kwargs: Any) -> None:
    if app_config is None or app_config.label != "accounts":
        return
    from .services import sync_default_roles

    sync_default_roles()
