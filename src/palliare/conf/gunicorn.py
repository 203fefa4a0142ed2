"""gunicorn's configuration for the web process (``gunicorn -c src/palliare/conf/gunicorn.py
--chdir src palliare.wsgi``); every value can be overridden on the command line or through
the environment variables named below.

- gthread workers, two per CPU core (``WEB_WORKERS``), two threads each (``WEB_THREADS``):
  the work is CPU-bound Python, so more threads in one process mostly queue on the
  interpreter lock, and with one process per core an uneven spread of connections leaves a
  core idle.
- Keep-alive 30 s (``WEB_KEEPALIVE``), so an API client reuses its connection.
- The application preloaded in the master (``WEB_PRELOAD``, see below).
- At most ``WEB_WORKER_CONNECTIONS`` connections per worker (default threads × 4). gunicorn's
  default is 1,000: a worker that is awake when connections arrive accepts them all and keeps
  them (keep-alive), so under 32 API clients 30 or all 32 connections sat on one worker while
  the others had none (issue 20). With the bound a worker stops accepting when it holds its
  share and the other workers take the next connections (measured: 8/8/8/8 for 32 clients on
  four workers). A worker with more idle keep-alive connections than ``connections −
  threads`` answers with ``Connection: close``, so that client reconnects; a connection
  beyond all workers' bounds waits in the listen queue until one closes (it is not refused).
  A tighter bound (threads × 2) cost throughput at 8 clients through that reconnecting
  (docs/performance.md).
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", 2 * (os.cpu_count() or 1)))
threads = int(os.environ.get("WEB_THREADS", 2))
worker_connections = int(os.environ.get("WEB_WORKER_CONNECTIONS", threads * 4))
keepalive = int(os.environ.get("WEB_KEEPALIVE", 30))
timeout = int(os.environ.get("WEB_TIMEOUT", 60))
# The application is loaded once in the master and the workers are forked from it, with the
# URL configuration and every module it imports already loaded (see when_ready): a worker's
# first request no longer imports ~800 modules (8.5 s on the loaded 2-core machine without
# bytecode caches, ~2.5 s with them, during which its connections wait). A code change needs
# a restart of the master (systemctl restart), not only a HUP.
preload_app = os.environ.get("WEB_PRELOAD", "true").lower() not in ("0", "false", "no")


def when_ready(server: object) -> None:
    """Import the URL configuration in the master before the workers are forked (only with
    ``preload_app``: otherwise the master has not set up Django). No database connection may
    stay open here: the workers would share it."""
    if not preload_app:
        return
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's views)
    connections.close_all()
