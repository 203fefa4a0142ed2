"""Context every page needs: the network's name, the menu, the actor's memberships, and the
layout's fixed links and assets."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf

from palliare.accounts.requests import is_verified

from . import navigation

#: The layout's links (base.html): the same on every page.
LINKS = {
    "home": "ui:home",
    "login": "accounts:login",
    "set_language": "set_language",
    "account": "accounts:account",
    "logout": "accounts:logout",
    "switch_membership": "accounts:switch_membership",
}
#: The layout's stylesheet, icon and scripts.
ASSETS = {
    "css": "css/palliare.css",
    "favicon": "img/favicon.svg",
    "htmx": "vendor/htmx/htmx.min.js",
    "js": "js/palliare.js",
}


def _links() -> Mapping[str, str]:
    """The layout's links, from the menu's address cache instead of ``{% url %}`` on every page
    (with the static assets below, 0.25 ms of the layout's 1.5 ms; docs/performance.md)."""
    prefix, urlconf = get_script_prefix(), get_urlconf()
    return MappingProxyType(
        {key: navigation.reverse_once(name, prefix, urlconf) for key, name in LINKS.items()}
    )


@lru_cache(maxsize=8)
def _assets(static_url: str) -> Mapping[str, str]:
    """The assets' (hashed) addresses, looked up once per process instead of by
    ``{% static %}`` on every page."""
    return MappingProxyType({key: static(path) for key, path in ASSETS.items()})


@receiver(setting_changed)
def _forget_assets(setting: str, **kwargs: Any) -> None:
    """Tests that change the static storage get fresh addresses (as Django's own caches do)."""
    if setting in ("STATIC_URL", "STORAGES"):
        _assets.cache_clear()


def layout(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    user = getattr(request, "user", None)
    verified = bool(user and is_verified(user))
    context: dict[str, Any] = {
        "network_name": settings.NETWORK_NAME,
        "demo_mode": settings.DEMO_MODE,
        "nav_items": [],
        "actor_memberships": [],
        "actor": actor,
        "layout_links": _links(),
        "layout_assets": _assets(settings.STATIC_URL),
    }
    if verified and actor is not None:
        context["nav_items"] = navigation.items_for(actor)
        context["active_nav_key"] = navigation.active_key(context["nav_items"], request.path)
        context["actor_memberships"] = actor.available_memberships
    return context
