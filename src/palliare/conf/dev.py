"""Developer and demo settings (``make run``): debug on, demo region on, SQLite by default."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
os.environ.setdefault(
    "AUDIT_CHAIN_KEYS", "dev:dev-only-insecure-audit-chain-key-not-for-production"
)
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DEMO_MODE", "true")
os.environ.setdefault("TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
# E-mail (password reset, notifications) is written to files in DATA_DIR/mail.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")

from .base import *  # noqa: F403
