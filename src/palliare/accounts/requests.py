"""The request type Palliare's views receive, and small typed helpers around it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from .actors import Actor


class PalliareRequest(HttpRequest):
    """An HttpRequest after Palliare's middleware: it carries the actor (and htmx details)."""

    actor: Actor
    htmx: HtmxDetails


def is_verified(user: Any) -> bool:
    """True when ``user`` is logged in and passed the second factor (django-otp)."""
    check = getattr(user, "is_verified", None)
    return bool(user is not None and user.is_authenticated and check is not None and check())
