"""Authentication, session and lockout settings shared by every environment."""

from __future__ import annotations

from .environ import config

SESSION_IDLE_MINUTES = config(
    "SESSION_IDLE_MINUTES",
    30,
    help_text="Minutes of inactivity after which a professional is logged out.",
    group="Security",
)
AXES_FAILURE_LIMIT_SETTING = config(
    "LOGIN_FAILURE_LIMIT",
    5,
    help_text="Failed logins (per username and address) before the account is locked out.",
    group="Security",
)
AXES_COOLOFF_MINUTES = config(
    "LOGIN_LOCKOUT_MINUTES",
    15,
    help_text="Minutes a locked-out login stays locked.",
    group="Security",
)
