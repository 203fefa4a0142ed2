"""gunicorn's configuration for the web process (``gunicorn -c src/palliare/conf/gunicorn.py
--chdir src palliare.wsgi``); every value can be overridden on the command line or through
the environment variables named below.

- gthread workers, two per CPU core (``WEB_WORKERS``), two threads each (``WEB_THREADS``):
  the work is CPU-bound Python, so more threads in one process mostly queue on the
  interpreter lock, and with one process per core an uneven spread of connections leaves a
  core idle.
- Keep-alive 30 s (``WEB_KEEPALIVE``), so an API client reuses its connection.
- At most ``WEB_WORKER_CONNECTIONS`` connections per worker (default threads × 2). gunicorn's
  default is 1,000: a worker that is awake when connections arrive accepts them all and keeps
  them (keep-alive), so under 32 API clients 30 connections sat on one worker and two workers
  had none (issue 20). With a small bound a worker stops accepting when it holds its share,
  the other workers take the next connections, and a worker with more idle keep-alive
  connections than ``connections − threads`` answers with ``Connection: close``, so the
  client reconnects to a less busy worker. A connection beyond all workers' bounds waits in
  the listen queue until one closes; it is not refused.
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", 2 * (os.cpu_count() or 1)))
threads = int(os.environ.get("WEB_THREADS", 2))
worker_connections = int(os.environ.get("WEB_WORKER_CONNECTIONS", threads * 2))
keepalive = int(os.environ.get("WEB_KEEPALIVE", 30))
timeout = int(os.environ.get("WEB_TIMEOUT", 60))
# A restart now and then bounds the growth of a long-lived process; the jitter keeps the
# workers from restarting together.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 20_000))
max_requests_jitter = max_requests // 10
