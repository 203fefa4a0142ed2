"""Shared helpers of the engagement services: access, the access log, e-mail, addresses."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose


def require_manager(actor: Actor) -> None:
    if not actor.has(Permission.MANAGE_ENGAGEMENT):
        raise PermissionDenied


def log(event: str, actor: Actor | None, action: AuditAction, subject: Any, **details: Any) -> None:
    audit.record(
        event,
        actor=actor,
        actor_name="" if actor is not None else "public",
        action=action,
        subject=subject,
        purpose=AuditPurpose.ADMINISTRATION,
        details=details,
    )


def site(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def mail(template: str, context: dict[str, Any], address: str) -> None:
    """A plain-text e-mail from ``engagement/email/<template>.txt`` and ``…_subject.txt``."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {**context, "network": settings.NETWORK_NAME}
        subject = render_to_string(f"engagement/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"engagement/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def normalise_email(value: str) -> str:
    return value.strip().lower()
