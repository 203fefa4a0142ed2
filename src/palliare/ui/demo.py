"""Registry of demo-data loaders. Each app may contribute a ``demo.py`` with a registered loader;
``manage.py load_demo`` runs them in order. Demo data is fictional and only loads in demo mode."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

Loader = Callable[[random.Random], str]


@dataclass(frozen=True)
class DemoLoader:
    name: str
    order: int
    load: Loader


_LOADERS: dict[str, DemoLoader] = {}


def register(name: str, *, order: int) -> Callable[[Loader], Loader]:
    """Register ``load(rng) -> summary``; it must be idempotent (skip what already exists)."""

    def decorator(load: Loader) -> Loader:
        _LOADERS[name] = DemoLoader(name, order, load)
        return load

    return decorator


def loaders() -> list[DemoLoader]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    return sorted(_LOADERS.values(), key=lambda d: d.order)
