"""Developer and demo settings (``make run``): the demo region on, SQLite by default, and the
product's own error pages — debug pages only when asked for with ``DEBUG=true``.

The demo must look and behave like the product: a mistyped address or a patient outside one's
care relationship gets the Dutch "page not found", never Django's technical page listing every
URL pattern. Static files are served by WhiteNoise straight from the apps (no collectstatic,
no manifest), whatever DEBUG says."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
os.environ.setdefault(
    "AUDIT_CHAIN_KEYS", "dev:dev-only-insecure-audit-chain-key-not-for-production"
)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DEMO_MODE", "true")
os.environ.setdefault("TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
# E-mail (password reset, notifications) is written to files in DATA_DIR/mail.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")

from .base import *  # noqa: F403
from .base import STORAGES

# `make run` serves the apps' static files without collectstatic: WhiteNoise finds them where
# they live (and picks up edits), and templates link them by plain name, not a manifest hash.
STORAGES = STORAGES | {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
