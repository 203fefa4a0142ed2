"""The import-linter contracts cover every app without naming it (issue 19 item 15, decision
0042): this test fails when a package under src/palliare escapes them.

The contracts in pyproject.toml use wildcards (``palliare.*``, ``palliare.**.views``), so a new
app is covered without an edit — provided it is a package import-linter can see, and its page
modules carry the names the contracts forbid. The module names are matched here by grimp, the
library import-linter uses, so the wildcards mean exactly what they mean to ``lint-imports``
(which ``make check`` runs; it checks the imports themselves).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "palliare"
#: Page modules: the contracts forbid them to other apps. A module named ``*_views`` or
#: ``*_urls`` is a page module under another name.
PAGE_NAMES = {"views", "urls", "forms", "admin", "tasks"}
#: The foundation: listed by name on purpose (a new app is a domain app unless it joins it).
FOUNDATION = {"accounts", "api", "audit", "conf", "db", "organizations", "ui"}


def contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> set[str]:
    """Every module and package of Palliare, by name (without reading any imports)."""
    return {_module_name(path) for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts}


def apps() -> list[str]:
    """The directories under src/palliare that hold Python code."""
    return sorted(
        path.name
        for path in PACKAGE.iterdir()
        if path.is_dir() and path.name != "__pycache__" and any(path.rglob("*.py"))
    )


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for name in modules():
        graph.add_module(name)
    return graph


def matched(graph: grimp.ImportGraph, expressions: list[str]) -> set[str]:
    found: set[str] = set()
    for expression in expressions:
        found |= graph.find_matching_modules(expression) if "*" in expression else {expression}
    return found


def test_every_app_is_a_package():
    """A directory without __init__.py is invisible to import-linter: no contract checks it."""
    missing = [app for app in apps() if not (PACKAGE / app / "__init__.py").exists()]
    assert not missing


def test_the_contracts_name_no_domain_app_except_their_own_rules():
    """The generic contracts name modules by wildcard; only the foundation is a list."""
    found = contracts()
    assert {"pages", "foundation", "layers"} <= set(found)
    assert found["pages"]["source_modules"] == ["palliare.*"]
    assert found["layers"]["containers"] == ["palliare.*"]
    assert found["foundation"]["forbidden_modules"] == ["palliare.*"]
    foundation = {name.removeprefix("palliare.") for name in found["foundation"]["source_modules"]}
    assert foundation == FOUNDATION
    # Every foundation import is allowed, and nothing else is.
    allowed = {
        line.split(" -> ")[1].removeprefix("palliare.").removesuffix(".**")
        for line in found["foundation"]["ignore_imports"]
        if line.startswith("palliare.** -> ")
    }
    assert allowed == FOUNDATION


@pytest.mark.parametrize("app", apps())
def test_every_app_is_covered(app, graph):
    found = contracts()
    module = f"palliare.{app}"
    assert module in matched(graph, found["pages"]["source_modules"]), "pages: source"
    assert module in matched(graph, found["layers"]["containers"]), "layers: container"
    assert module in matched(graph, found["monitoring-figures"]["source_modules"])
    if app not in FOUNDATION:
        # A domain app: the foundation may not import it.
        assert module in matched(graph, found["foundation"]["forbidden_modules"])
    # Its pages are forbidden to the other apps.
    pages = {
        name
        for name in modules()
        if name.startswith(module + ".")
        and ".tests" not in name
        and (name.rsplit(".", 1)[1] in PAGE_NAMES or name.endswith(("_views", "_urls")))
        and not any(name.startswith(parent + ".") for parent in _page_packages(module))
    }
    uncovered = pages - matched(graph, found["pages"]["forbidden_modules"])
    assert not uncovered, f"page modules no contract protects: {sorted(uncovered)}"


def _page_packages(module: str) -> set[str]:
    """Page modules that are packages (``patients.views``): their children are covered with
    them (import-linter treats forbidden modules as packages)."""
    return {
        _module_name(path)
        for path in (PACKAGE / module.removeprefix("palliare.")).rglob("__init__.py")
        if path.parent.name in PAGE_NAMES
    }


def test_a_page_module_under_another_name_is_noticed():
    """The check above is not vacuous: an unlisted ``*_views`` module is not matched."""
    graph = grimp.ImportGraph()
    graph.add_module("palliare.newapp")
    graph.add_module("palliare.newapp.views")
    graph.add_module("palliare.newapp.report_views")
    forbidden = matched(graph, contracts()["pages"]["forbidden_modules"])
    assert "palliare.newapp.views" in forbidden
    assert "palliare.newapp.report_views" not in forbidden
    assert "palliare.newapp" in matched(graph, contracts()["layers"]["containers"])


def test_no_page_module_writes_log_rows_itself():
    """Issue 19 item 13: the log row is written by the service that does the work, so every
    path to it (page, admin screen, API, command) logs the same. The contract's sources are the
    page modules of the "pages" contract, except background tasks (which are services)."""
    found = contracts()
    sources = set(found["audit-in-services"]["source_modules"])
    assert sources == set(found["pages"]["forbidden_modules"]) - {"palliare.**.tasks"}
    assert found["audit-in-services"]["forbidden_modules"] == ["palliare.audit.services"]
