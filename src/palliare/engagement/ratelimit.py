"""Rate limit of the public forms per client address, in Django's cache (decision 0026).

A fixed window per hour: the first submission creates the counter with the window as its
timeout, later ones increment it. With several app servers configure a shared cache (database
or Redis) so the limit holds across them."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 3600


def _key(scope: str, request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR") or "unknown"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"engagement:rl:{scope}:{digest}"


def allow(scope: str, request: HttpRequest, limit: int | None = None) -> bool:
    """Count one submission; False when the address exceeded the limit in this window."""
    maximum = settings.ENGAGEMENT_FORM_LIMIT if limit is None else limit
    key = _key(scope, request)
    if cache.add(key, 1, WINDOW_SECONDS):
        return maximum >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= maximum
