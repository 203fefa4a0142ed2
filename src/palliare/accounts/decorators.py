"""Declaring who may open a view.

Every view is closed by default: ``TwoFactorRequiredMiddleware`` demands a login with a verified
second factor. A view then either declares the permission it needs (``require_permission``), is
explicitly open to every verified professional (``any_professional``), or is public (``public``).
``tests/test_url_guards.py`` fails for any view that declares none of these.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from .permissions import Permission
from .requests import PalliareRequest

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def public(view: V) -> V:
    """Open to everyone, without login (public care finder, login page, health check)."""
    view = login_not_required(view)
    view.access_rule = "public"  # type: ignore[attr-defined]
    return view


def otp_exempt(view: V) -> V:
    """Reachable after the password step, before the second factor (the 2FA pages, logout)."""
    view.otp_exempt = True  # type: ignore[attr-defined]
    view.access_rule = "otp_exempt"  # type: ignore[attr-defined]
    return view


def any_professional(view: V) -> V:
    """Open to every logged-in professional with a verified second factor (home, own account)."""
    view.access_rule = "any_professional"  # type: ignore[attr-defined]
    return view


def require_permission(*permissions: Permission) -> Callable[[V], V]:
    """Open only to actors holding all of ``permissions``; everyone else gets 403."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            actor = cast(PalliareRequest, request).actor
            if not all(actor.has(p) for p in permissions):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = "permission"  # type: ignore[attr-defined]
        wrapped.required_permissions = permissions  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
