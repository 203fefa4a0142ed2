"""System checks of engagement: the public forms' rate limit needs a cache all web processes
share (decision 0032). ``manage.py check --deploy`` fails on a per-process cache."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from palliare.conf.includes.cache import is_shared


@register(Tags.security, Tags.caches, deploy=True)
def shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if is_shared(settings.CACHES["default"]):
        return []
    return [
        Error(
            "The default cache is local to one process: with several web workers each counts "
            "the public forms' rate limit on its own.",
            hint="Leave CACHE_URL unset (database cache) or point it at Redis (redis://…).",
            id="palliare.E032",
        )
    ]
