"""The request type Palliare's views receive, and small typed helpers around it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

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


def safe_url(request: HttpRequest, target: str | None, default: str) -> str:
    """``target`` when it is a URL of this site (Django's ``url_has_allowed_host_and_scheme``
    with this request's host, and https when the request is), else ``default``: the one check
    before redirecting to a ``next`` parameter or any other address from outside."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
