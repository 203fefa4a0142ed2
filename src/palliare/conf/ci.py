"""Test settings: fast hashing, tasks inline, e-mail in memory."""

import os

os.environ.setdefault("SECRET_KEY", "ci-only-insecure-key")
os.environ.setdefault("AUDIT_CHAIN_KEYS", "ci:ci-only-insecure-audit-chain-key-not-for-production")
os.environ.setdefault("DEMO_MODE", "false")
os.environ.setdefault("TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
# Tests count rate limits in the test process's memory; the shared caches have their own
# tests (engagement/tests/test_ratelimit.py).
os.environ.setdefault("CACHE_URL", "locmem://")
os.environ.setdefault("DATA_DIR", os.path.join(os.getcwd(), "var", "test"))
# Tests serve static files from the apps (StaticFilesStorage); a STATIC_ROOT filled by
# collectstatic (make run, the benchmarks) would be scanned by WhiteNoise for every test client.
os.environ.setdefault("STATIC_ROOT", os.path.join(os.environ["DATA_DIR"], "static"))

from .base import *  # noqa: F403
from .includes.logging import logging_config

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = logging_config(level="WARNING", json=False)
OTP_TOTP_THROTTLE_FACTOR = 0  # tests enter wrong codes on purpose; throttling has its own test
