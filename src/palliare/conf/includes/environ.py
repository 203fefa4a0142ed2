"""One typed helper to read settings from environment variables.

Every setting Palliare reads from the environment goes through :func:`config`, which records the
variable's name, default and help text in :data:`REGISTRY`. ``manage.py envvar_docs`` renders that
registry as ``docs/configuration.md`` so the reference cannot drift from the code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class _Required:
    """Marker for settings without a default: the environment must provide them."""

    def __repr__(self) -> str:
        return "(required)"


REQUIRED: Any = _Required()


@dataclass(frozen=True)
class EnvVar:
    """Documentation record of one environment variable."""

    name: str
    default: Any
    help_text: str
    group: str
    kind: str


REGISTRY: dict[str, EnvVar] = {}


def _cast(name: str, raw: str, kind: str) -> Any:
    if kind == "bool":
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")
    if kind == "int":
        try:
            return int(raw)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc
    if kind == "list":
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def _kind_of(default: Any) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, list | tuple):
        return "list"
    return "str"


@overload
def config(name: str, default: bool, *, help_text: str, group: str = ...) -> bool: ...
@overload
def config(name: str, default: int, *, help_text: str, group: str = ...) -> int: ...
@overload
def config(name: str, default: list[str], *, help_text: str, group: str = ...) -> list[str]: ...
@overload
def config(name: str, default: str, *, help_text: str, group: str = ...) -> str: ...
@overload
def config(
    name: str, default: Any = ..., *, help_text: str, group: str = ..., kind: str = ...
) -> Any: ...


def config(
    name: str,
    default: Any = REQUIRED,
    *,
    help_text: str,
    group: str = "General",
    kind: str | None = None,
) -> Any:
    """Read ``name`` from the environment, cast to the type of ``default``.

    A setting without a default is required: a missing value raises ImproperlyConfigured with the
    variable's help text, so an operator sees what to set.
    """
    resolved_kind = kind or ("str" if default is REQUIRED else _kind_of(default))
    REGISTRY[name] = EnvVar(name, default, help_text, group, resolved_kind)
    raw = os.environ.get(name)
    if raw is None:
        if default is REQUIRED:
            raise ImproperlyConfigured(f"Set the environment variable {name}: {help_text}")
        return list(default) if isinstance(default, tuple) else default
    return _cast(name, raw, resolved_kind)
