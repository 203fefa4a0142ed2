"""Cache settings: one cache every web process shares (decision 0032).

The cache holds what must be the same for all workers — the public forms' rate limit counters
— so it is never the per-process local memory in a deployment. ``CACHE_URL`` unset means
Django's database cache in the application's own database (table ``palliare_cache``, created by
``migrate`` through a post-migrate hook, or by ``manage.py createcachetable``); ``redis://`` (or
``rediss://``, ``unix://``) uses Redis; ``locmem://`` the local memory of one process, for tests
only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .environ import config

CACHE_TABLE = "palliare_cache"

CACHE_URL_SETTING = config(
    "CACHE_URL",
    "",
    help_text=(
        "Cache shared by every web process (the public forms' rate limit counts in it). Unset: "
        "the database cache in Palliare's own database (table palliare_cache, made by "
        "`manage.py migrate`). redis://host:6379/0 (or rediss://, unix://): a Redis server. "
        "locmem://: one process's memory, for tests only — with several workers every worker "
        "would count on its own."
    ),
    group="Cache",
)


def cache_settings(url: str) -> dict[str, Any]:
    """The CACHES['default'] dict for ``url`` (see CACHE_URL)."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else url.lower()
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            # Rate-limit slots are small rows; cull only when a flood fills the table.
            "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4},
        }
    if scheme in {"redis", "rediss", "unix"}:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "palliare",
        }
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": url.split("://", 1)[1] or "palliare",
        }
    raise ImproperlyConfigured(
        f"CACHE_URL must be empty (database cache), redis://…, rediss://…, unix://… or "
        f"locmem://, got {url!r}"
    )


def is_shared(cache: dict[str, Any]) -> bool:
    """Whether every process sees the same entries (not local memory, not the dummy cache)."""
    return cache["BACKEND"].rsplit(".", 1)[-1] not in {"LocMemCache", "DummyCache"}
