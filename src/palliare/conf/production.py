"""Production settings: secure by default; demo mode can never be switched on here."""

from .base import *  # noqa: F403
from .includes.environ import config
from .includes.security import AUDIT_CHAIN_KEYS_SETTING, audit_chain_keys

DEBUG = False
# Production keys must be real secrets (base.py already refuses to start without any).
AUDIT_CHAIN_KEYS = audit_chain_keys(AUDIT_CHAIN_KEYS_SETTING, min_length=32)
DEMO_MODE = False  # not configurable: demo accounts with a published TOTP secret must never exist

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = config(
    "SECURE_SSL_REDIRECT",
    True,
    help_text="Redirect plain HTTP to HTTPS (production).",
    group="Security",
)
SECURE_HSTS_SECONDS = config(
    "SECURE_HSTS_SECONDS",
    31536000,
    help_text="HSTS max-age in seconds (production).",
    group="Security",
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
