"""Context every page needs: the network's name, the menu, the actor's memberships."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from palliare.accounts.requests import is_verified

from . import navigation


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
    }
    if verified and actor is not None:
        context["nav_items"] = navigation.items_for(actor)
        context["active_nav_key"] = navigation.active_key(context["nav_items"], request.path)
        context["actor_memberships"] = actor.available_memberships
    return context
