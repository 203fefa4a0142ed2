"""The web process's gunicorn configuration (src/palliare/conf/gunicorn.py, issue 20): gthread
workers with a bounded number of connections each (so keep-alive connections spread over the
workers), overridable from the environment, and the application preloaded in the master with
its URL configuration and no database connection left open for the workers to share."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

CONFIG = Path(__file__).resolve().parent.parent / "src" / "palliare" / "conf" / "gunicorn.py"


def _load(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("WEB_WORKERS", "WEB_THREADS", "WEB_WORKER_CONNECTIONS", "WEB_PRELOAD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_connections_per_worker_are_bounded_by_the_threads(monkeypatch):
    config = _load(monkeypatch)
    assert config["worker_class"] == "gthread"
    assert config["worker_connections"] == config["threads"] * 4 < 1000
    assert config["worker_connections"] > config["threads"]  # room for idle keep-alive
    assert config["preload_app"] is True
    config = _load(monkeypatch, WEB_THREADS="3", WEB_WORKERS="5", WEB_PRELOAD="false")
    assert (config["workers"], config["threads"], config["worker_connections"]) == (5, 3, 12)
    assert config["preload_app"] is False
    assert _load(monkeypatch, WEB_WORKER_CONNECTIONS="1000")["worker_connections"] == 1000


@pytest.mark.django_db
def test_when_ready_loads_the_urls_and_closes_the_database_connections(monkeypatch):
    from django.db import connection
    from django.urls import clear_url_caches, get_resolver

    config = _load(monkeypatch)
    clear_url_caches()
    assert "url_patterns" not in get_resolver().__dict__
    connection.ensure_connection()
    closed: list[bool] = []
    monkeypatch.setattr("django.db.connections.close_all", lambda: closed.append(True))
    config["when_ready"](object())
    assert closed == [True]
    assert "url_patterns" in get_resolver().__dict__  # imported, cached for the workers


def test_without_preloading_when_ready_does_nothing(monkeypatch):
    config = _load(monkeypatch, WEB_PRELOAD="false")
    called: list[bool] = []
    monkeypatch.setattr("django.db.connections.close_all", lambda: called.append(True))
    config["when_ready"](object())
    assert called == []
