"""Rate limit of the public forms per client address, in the cache every web process shares
(decisions 0026 and 0032).

At most ``ENGAGEMENT_FORM_LIMIT`` submissions per address and form in any hour. Each
submission takes a numbered slot with ``cache.add`` — one atomic insert-if-absent in every
backend (a unique key in the database cache, SET NX in Redis) — and a slot frees itself an hour
after it was taken. Two workers counting at the same moment cannot both take the same slot, so
the limit holds across processes and servers without a lock and without a read-modify-write
(``incr`` is a read and a write in the database cache)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest

WINDOW_SECONDS = 3600


def _key(scope: str, request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR") or "unknown"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"engagement:rl:{scope}:{digest}"


def allow(
    scope: str, request: HttpRequest, limit: int | None = None, *, cache: BaseCache | None = None
) -> bool:
    """Count one submission; False when the address used all its slots of the last hour."""
    maximum = settings.ENGAGEMENT_FORM_LIMIT if limit is None else limit
    store = caches["default"] if cache is None else cache
    key = _key(scope, request)
    return any(store.add(f"{key}:{slot}", 1, WINDOW_SECONDS) for slot in range(maximum))
