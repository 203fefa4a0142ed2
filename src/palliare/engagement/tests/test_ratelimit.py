"""The public forms' rate limit holds across web processes (decision 0032): the cache is one
every worker shares — the database cache by default, Redis when CACHE_URL says so — and the
counting is atomic there. Two separate cache connections see the same counter; two separate
worker processes counting at the same time together get exactly the limit; a per-process cache
is refused by ``check --deploy``; migrate creates the cache table."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory, override_settings

from palliare.conf.includes.cache import CACHE_TABLE, cache_settings
from palliare.engagement import ratelimit
from palliare.engagement.apps import create_cache_table

ROOT = Path(__file__).resolve().parents[4]
DB_CACHE = {"default": cache_settings("")}

# One "gunicorn worker": counts `n` submissions of one address and prints how many it allowed.
WORKER = """
import django
django.setup()
from django.test import RequestFactory
from palliare.engagement import ratelimit
request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
print(sum(ratelimit.allow("event", request, limit=10) for _ in range({n})))
"""


def _request(address: str = "198.51.100.7"):
    return RequestFactory().post("/netwerk/bijeenkomsten/1/", REMOTE_ADDR=address)


def test_cache_url_choices():
    assert cache_settings("")["BACKEND"].endswith("DatabaseCache")
    assert cache_settings("")["LOCATION"] == CACHE_TABLE
    assert cache_settings("redis://cache:6379/1") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache:6379/1",
        "KEY_PREFIX": "palliare",
    }
    assert cache_settings("locmem://")["BACKEND"].endswith("LocMemCache")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_settings("memcached://x")


def test_deploy_check_refuses_a_per_process_cache():
    errors = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "palliare.E032" in errors  # the tests run on locmem://
    with override_settings(CACHES=DB_CACHE):
        errors = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "palliare.E032" not in errors


@pytest.mark.django_db
def test_migrate_hook_creates_the_cache_table():
    with override_settings(CACHES=DB_CACHE):
        create_cache_table(using="default")
        assert CACHE_TABLE in connection.introspection.table_names()
        create_cache_table(using="default")  # again: nothing to do


@pytest.mark.django_db
def test_two_cache_connections_see_the_same_counter():
    with override_settings(CACHES=DB_CACHE):
        call_command("createcachetable", verbosity=0)
        first = caches.create_connection("default")
        second = caches.create_connection("default")
        assert first is not second
        request = _request()
        assert all(ratelimit.allow("event", request, limit=10, cache=first) for _ in range(6))
        allowed = [ratelimit.allow("event", request, limit=10, cache=second) for _ in range(6)]
        assert allowed == [True] * 4 + [False] * 2
        # Another address and another form count on their own.
        assert ratelimit.allow("event", _request("198.51.100.8"), limit=10, cache=second)
        assert ratelimit.allow("subscribe", request, limit=10, cache=first)


def _run_workers(env: dict[str, str], workers: int = 2, each: int = 6) -> list[int]:
    """Start ``workers`` separate Python processes at once; how many each was allowed."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER.format(n=each)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    counts = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        counts.append(int(out.strip().splitlines()[-1]))
    return counts


def _env(tmp_path: Path, cache_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "palliare.conf.ci",
        "PYTHONPATH": str(ROOT / "src"),
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'workers.sqlite3'}",
        "CACHE_URL": cache_url,
    }


@pytest.mark.slow
def test_separate_processes_share_the_database_cache(tmp_path):
    env = _env(tmp_path, "")
    subprocess.run([sys.executable, "manage.py", "createcachetable"], env=env, cwd=ROOT, check=True)
    counts = _run_workers(env)
    assert sum(counts) == 10, counts  # 12 submissions, 10 allowed in all


@pytest.mark.slow
def test_separate_processes_with_local_memory_each_count_alone(tmp_path):
    """What decision 0032 fixes: with locmem every worker allows the full limit."""
    assert _run_workers(_env(tmp_path, "locmem://")) == [6, 6]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server here")
def test_separate_processes_share_redis(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    try:
        url = f"redis://127.0.0.1:{port}/0"
        for _ in range(50):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        assert sum(_run_workers(_env(tmp_path, url))) == 10
        with override_settings(CACHES={"default": cache_settings(url)}):
            first = caches.create_connection("default")
            second = caches.create_connection("default")
            request = _request("198.51.100.20")
            assert all(ratelimit.allow("event", request, limit=3, cache=first) for _ in range(2))
            allowed = [ratelimit.allow("event", request, limit=3, cache=second) for _ in range(2)]
            assert allowed == [True, False]
    finally:
        server.terminate()
        server.wait(timeout=10)
