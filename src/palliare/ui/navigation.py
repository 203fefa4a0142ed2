"""The main navigation. Apps register their entries in their own ``navigation.py``; an entry is
shown only to actors holding its permission, so each role sees only its own navigation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission


@dataclass(frozen=True)
class NavItem:
    """One entry of the main menu."""

    key: str
    label: str | Promise
    url_name: str
    permission: Permission | None  # None: every verified professional
    order: int = 100
    #: Hide the entry from actors holding this permission (they reach the page another way).
    unless: Permission | None = None

    @property
    def namespace(self) -> str:
        return self.url_name.rpartition(":")[0]

    @property
    def url(self) -> str:
        return reverse_once(self.url_name, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=512)
def reverse_once(url_name: str, prefix: str, urlconf: str | None) -> str:
    """The address of a page without arguments, per script prefix and URLconf (both can differ
    per request): every page renders the menu and the layout's links, so reversing each on
    each page adds up."""
    return reverse(url_name, urlconf=urlconf)


@receiver(setting_changed)
def _forget_addresses(setting: str, **kwargs: Any) -> None:
    """Tests that change the URLs get fresh addresses (as Django's own URL caches do)."""
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        reverse_once.cache_clear()


_REGISTRY: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    for item in items:
        _REGISTRY[item.key] = item


def items_for(actor: Actor) -> list[NavItem]:
    """The entries ``actor`` may open, in menu order."""
    if not actor.is_authenticated:
        return []
    visible = [
        i
        for i in _REGISTRY.values()
        if (i.permission is None or actor.has(i.permission))
        and (i.unless is None or not actor.has(i.unless))
    ]
    return sorted(visible, key=lambda i: (i.order, str(i.label)))


def active_key(items: list[NavItem], path: str) -> str:
    """The entry the current page belongs to: the one whose address is the longest prefix."""
    best, length = "", 0
    for item in items:
        url = item.url
        matches = path == url if url == "/" else path.startswith(url)
        if matches and len(url) > length:
            best, length = item.key, len(url)
    return best


register(
    NavItem("home", _("My work"), "ui:home", None, order=0),
    NavItem("admin", _("Administration"), "admin:index", Permission.USE_ADMIN, order=900),
)
