"""Settings for benchmarks: production settings over plain HTTP on loopback, plus the floor
view's URL (bench_urls). Never used outside bench/."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")
os.environ.setdefault("AUDIT_CHAIN_KEYS", "bench:bench-only-insecure-audit-chain-key-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from palliare.conf.production import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# The token check's cache (fhir.auth); bench/fhir_vs_medplum.py --baseline sets 0 (no cache).
FHIR_TOKEN_CACHE_SECONDS = float(os.environ.get("FHIR_TOKEN_CACHE_SECONDS", "10"))
