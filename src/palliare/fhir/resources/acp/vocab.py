"""Codes of the zib role and relationship lists that the care plan keeps as text (its own
lists are shorter): looked up in the shipped value sets by code and by display."""

from __future__ import annotations

from functools import cache

from ...validation.definitions import definitions
from . import codes as c


@cache
def _concepts(url: str) -> list[tuple[str, str, str]]:
    vs = definitions().value_sets.get(url)
    found = []
    for include in (vs or {}).get("compose", {}).get("include", []):
        for concept in include.get("concept", []):
            found.append((include.get("system", ""), concept["code"], concept.get("display", "")))
    return found


def role_display(system: str, code: str) -> str:
    for sys, cd, display in _concepts(c.ROLE_VS):
        if (sys, cd) == (system, code):
            return display or code
    return code


def role_display_to_code(display: str) -> tuple[str, str] | None:
    for sys, cd, disp in _concepts(c.ROLE_VS):
        if disp.strip().lower() == display.strip().lower():
            return sys, cd
    return None


def relation_display(code: str) -> str:
    for sys, cd, display in _concepts(c.RELATION_VS):
        if sys == c.ROLE_CODE and cd == code:
            return display or code
    return code


def relation_display_to_code(display: str) -> str | None:
    for sys, cd, disp in _concepts(c.RELATION_VS):
        if sys == c.ROLE_CODE and disp.strip().lower() == display.strip().lower():
            return cd
    return None


@cache
def _advance_kinds() -> dict[str, str]:
    cs = definitions().code_systems.get(c.WILSVERKLARING) or {}
    return {
        concept["code"]: concept.get("display", concept["code"])
        for concept in cs.get("concept", [])
    }


def advance_display(code: str) -> str:
    return _advance_kinds().get(code, code)


def advance_code(display: str) -> str | None:
    for code, disp in _advance_kinds().items():
        if disp.strip().lower() == display.strip().lower():
            return code
    return None
