"""The "my work" start page is made of sections that apps register in their ``worklist.py``.

A provider gets the actor and returns a :class:`Section` (or None when it has nothing for them).
Providers must issue a bounded number of queries: the start page is opened all day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from palliare.accounts.actors import Actor


@dataclass
class Section:
    """A block on the start page: a title, a template that renders ``context``, a priority."""

    key: str
    title: str | Promise
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    count: int | None = None  # shown as a badge: how many things need the actor
    #: How many of them the section lists (derived from ``context["items"]`` when not given):
    #: when fewer than the badge counts, the page says so, so badge and list never disagree
    #: silently.
    shown: int | None = None

    def __post_init__(self) -> None:
        items = self.context.get("items")
        if self.shown is None and isinstance(items, list | tuple):
            self.shown = len(items)

    @property
    def partial(self) -> bool:
        return self.count is not None and self.shown is not None and self.shown < self.count


Provider = Callable[[Actor], Section | None]
_PROVIDERS: dict[str, Provider] = {}


def register(key: str) -> Callable[[Provider], Provider]:
    def decorator(provider: Provider) -> Provider:
        _PROVIDERS[key] = provider
        return provider

    return decorator


def sections_for(actor: Actor) -> list[Section]:
    sections = [s for p in _PROVIDERS.values() if (s := p(actor)) is not None]
    return sorted(sections, key=lambda s: s.order)
