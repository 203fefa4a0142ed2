"""Base settings for every environment. Values come from environment variables via ``config``.

Environment modules (dev, ci, production) only set defaults for those variables before importing
this module, or tighten what production must never relax.
"""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF

from .includes.cache import CACHE_URL_SETTING, cache_settings
from .includes.database import database_settings
from .includes.environ import config
from .includes.logging import logging_config
from .includes.security import (
    AUDIT_CHAIN_KEY_ID_SETTING,
    AUDIT_CHAIN_KEYS_SETTING,
    AXES_COOLOFF_MINUTES,
    AXES_FAILURE_LIMIT_SETTING,
    SESSION_IDLE_MINUTES,
    audit_chain_key_id,
    audit_chain_keys,
)

SRC_DIR = Path(__file__).resolve().parent.parent  # src/palliare
BASE_DIR = SRC_DIR.parent.parent  # repository root

SECRET_KEY = config(
    "SECRET_KEY",
    help_text="Secret used to sign sessions and tokens. Long, random, never shared.",
    group="Security",
)
SECRET_KEY_FALLBACKS = config(
    "SECRET_KEY_FALLBACKS",
    [],
    help_text="Comma-separated earlier secret keys, accepted while SECRET_KEY is rotated "
    "(sessions, signed links and FHIR client secrets made with them keep working).",
    group="Security",
)
DEBUG = config("DEBUG", False, help_text="Show debug pages. Never true in production.")
ALLOWED_HOSTS = config(
    "ALLOWED_HOSTS",
    ["localhost", "127.0.0.1"],
    help_text="Comma-separated host names this server answers to.",
    group="Security",
)
CSRF_TRUSTED_ORIGINS = config(
    "CSRF_TRUSTED_ORIGINS",
    [],
    help_text="Comma-separated origins (https://host) trusted for form posts behind a proxy.",
    group="Security",
)
DATA_DIR = Path(
    config(
        "DATA_DIR",
        str(BASE_DIR / "var"),
        help_text="Directory for the embedded SQLite database, uploads and generated files.",
    )
)
#: The access log's chain keys {id: secret} and the id new rows use (audit/services.py).
AUDIT_CHAIN_KEYS = audit_chain_keys(AUDIT_CHAIN_KEYS_SETTING)
AUDIT_CHAIN_KEY_ID = audit_chain_key_id(AUDIT_CHAIN_KEYS, AUDIT_CHAIN_KEY_ID_SETTING)
AUDIT_CHECKPOINT_FILE = Path(
    config(
        "AUDIT_CHECKPOINT_FILE",
        "",
        help_text=(
            "File `manage.py audit_checkpoint` appends signed checkpoints of the access log's "
            "chain head to (empty: audit-checkpoints.jsonl in DATA_DIR). Ship it off this "
            "server (docs/operations.md)."
        ),
        group="Security",
    )
    or DATA_DIR / "audit-checkpoints.jsonl"
)
DEMO_MODE = config(
    "DEMO_MODE",
    False,
    help_text=(
        "Load and allow the fictional demo region and demo accounts. Ignored (always off) "
        "with production settings."
    ),
)
NETWORK_NAME = config(
    "NETWORK_NAME",
    "Netwerk Palliatieve Zorg",
    help_text="Name of the palliative care network shown in the interface and e-mails.",
)
NATIONAL_CARE_FINDER_URL = config(
    "NATIONAL_CARE_FINDER_URL",
    "https://www.overpalliatievezorg.nl/",
    help_text=(
        "Where the public care finder sends people whose postcode lies outside this network: "
        "a national site that finds palliative care and the network anywhere in the country."
    ),
)
SITE_URL = config(
    "SITE_URL",
    "http://127.0.0.1:8000",
    help_text="Public base URL of this installation, used in e-mails and printed QR codes.",
)

INSTALLED_APPS = [
    # Palliare apps first: their templates and translations take precedence over Django's.
    "palliare.audit",
    "palliare.accounts",
    "palliare.organizations",
    "palliare.notifications",
    "palliare.patients",
    "palliare.meetings",
    "palliare.consultations",
    "palliare.careplans",
    "palliare.acute",
    "palliare.capacity",
    "palliare.finder",
    "palliare.api",
    "palliare.referrals",
    "palliare.fhir",
    "palliare.launch",
    "palliare.deliveries",
    "palliare.monitoring",
    "palliare.planning",
    "palliare.programme",
    "palliare.training",
    "palliare.engagement",
    "palliare.ui",
    # Django and libraries
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "palliare.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "palliare.ui.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "palliare.accounts.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "palliare.accounts.middleware.SessionActivityMiddleware",
    "palliare.accounts.middleware.ActorMiddleware",
    "palliare.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "palliare.urls"
WSGI_APPLICATION = "palliare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "palliare.ui.context_processors.layout",
            ],
        },
    }
]

DATABASES = {"default": database_settings(DATA_DIR)}
#: The acute path's few hot queries run from SQL compiled once per process (palliare.db.precompiled,
#: decision 0021); off, they are plain ORM querysets compiled on every call.
PRECOMPILED_QUERIES = config(
    "PRECOMPILED_QUERIES",
    True,
    help_text=(
        "Run the acute path's hot queries (search by BSN, patient with plan, central contact "
        "and lead practitioner, the actor's memberships) from SQL compiled once per process "
        "(decision 0021). Off: plain Django ORM, about 1 ms more per acute request "
        "(docs/performance.md)."
    ),
    group="Database",
)
# One cache for all web processes (the public forms' rate limit): decision 0032.
CACHES = {"default": cache_settings(CACHE_URL_SETTING)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "palliare.accounts.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ui:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Django's database sessions (decision 0021: the login path's lookups are stock Django's).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False  # SessionActivityMiddleware restarts the idle timer
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp 4): scripts and styles only from our own static files, no
# inline script, inline style or event-handler attribute anywhere (ui/tests/test_csp.py greps
# the templates). htmx runs under it: base.html's htmx-config turns off its injected indicator
# styles (the CSS is in palliare.css) and eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

AXES_FAILURE_LIMIT = AXES_FAILURE_LIMIT_SETTING
AXES_COOLOFF_TIME = AXES_COOLOFF_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Failures count against the account, however its name was typed (username in any case, e-mail).
AXES_USERNAME_CALLABLE = "palliare.accounts.backends.lockout_identity"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = NETWORK_NAME
OTP_TOTP_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "palliare_language"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS: list[Path] = []  # each app has its own catalogue in <app>/locale
FORMAT_MODULE_PATH = ["palliare.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(
    config(
        "STATIC_ROOT",
        str(BASE_DIR / "staticfiles"),
        help_text="Directory collectstatic writes to; served by the app itself (WhiteNoise).",
    )
)
STATICFILES_DIRS = [SRC_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

EMAIL_BACKEND = config(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    help_text=(
        "Django e-mail backend. Use django.core.mail.backends.smtp.EmailBackend with the "
        "EMAIL_* variables in production, or the filebased backend with EMAIL_FILE_PATH."
    ),
    group="E-mail",
)
EMAIL_HOST = config("EMAIL_HOST", "localhost", help_text="SMTP server.", group="E-mail")
EMAIL_PORT = config("EMAIL_PORT", 25, help_text="SMTP port.", group="E-mail")
EMAIL_HOST_USER = config("EMAIL_HOST_USER", "", help_text="SMTP user.", group="E-mail")
EMAIL_HOST_PASSWORD = config("EMAIL_HOST_PASSWORD", "", help_text="SMTP password.", group="E-mail")
EMAIL_USE_TLS = config("EMAIL_USE_TLS", False, help_text="Use STARTTLS.", group="E-mail")
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = config(
    "DEFAULT_FROM_EMAIL",
    "palliare@localhost",
    help_text="Sender address of e-mails Palliare sends.",
    group="E-mail",
)

TASKS = {
    "default": {
        "BACKEND": config(
            "TASK_BACKEND",
            "django_tasks_db.DatabaseBackend",
            help_text=(
                "Background task backend. The database backend needs no extra server; run "
                "`manage.py db_worker` next to the web process. "
                "django_tasks.backends.immediate.ImmediateBackend runs tasks inline."
            ),
            group="Tasks",
        )
    }
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "rest_framework.views.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Palliare API",
    "DESCRIPTION": "Regional directory and capacity of a palliative care network.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOG_LEVEL = config("LOG_LEVEL", "INFO", help_text="Minimum log level.", group="Logging")
LOG_JSON = config(
    "LOG_JSON", False, help_text="Write logs as JSON lines (for log shippers).", group="Logging"
)
LOGGING = logging_config(level=LOG_LEVEL, json=LOG_JSON)

REFERENCE_DATA_DIR = config(
    "REFERENCE_DATA_DIR",
    "",
    help_text=(
        "Folder with the public reference data (CBS municipalities, PC4 areas). Unset: "
        "../shared/data next to the checkout when present, else the copy in reference-data/."
    ),
)

FHIR_TOKEN_SECONDS = config(
    "FHIR_TOKEN_SECONDS",
    300,
    help_text="Lifetime in seconds of FHIR API access tokens (client-credentials grant).",
    group="FHIR",
)

ENGAGEMENT_RETENTION_DAYS = config(
    "ENGAGEMENT_RETENTION_DAYS",
    30,
    help_text=(
        "Days after a public event ends that attendees' names and e-mail addresses are kept; "
        "then `manage.py purge_event_attendees` deletes them (and logs the deletion)."
    ),
    group="Events and newsletter",
)
ENGAGEMENT_CONFIRM_HOURS = config(
    "ENGAGEMENT_CONFIRM_HOURS",
    48,
    help_text="Hours a confirmation link (event registration, newsletter) stays valid.",
    group="Events and newsletter",
)
ENGAGEMENT_FORM_LIMIT = config(
    "ENGAGEMENT_FORM_LIMIT",
    10,
    help_text="Public form submissions (registration, subscription) per client address per hour.",
    group="Events and newsletter",
)
NEWSLETTER_BATCH_SIZE = config(
    "NEWSLETTER_BATCH_SIZE",
    500,
    help_text="Newsletter messages sent per batch (one SMTP connection, progress saved after it).",
    group="Events and newsletter",
)
NEWSLETTER_MAX_PER_SECOND = config(
    "NEWSLETTER_MAX_PER_SECOND",
    50,
    help_text="Rate limit of newsletter sending in messages per second (0: no limit).",
    group="Events and newsletter",
)

FORM_RENDERER = "palliare.ui.forms.FormRenderer"
CSRF_FAILURE_VIEW = "palliare.ui.views.csrf_failure"

# Monitoring: small-number suppression wherever figures leave the database (issue 15 item 6).
MONITORING_MIN_COUNT = config(
    "MONITORING_MIN_COUNT",
    5,
    help_text=(
        "Counts from 1 up to this number minus one are published as '<N' (default 5: counts "
        "1-4 appear as '<5')."
    ),
    group="Monitoring",
)
MONITORING_MIN_DENOMINATOR = config(
    "MONITORING_MIN_DENOMINATOR",
    10,
    help_text="A rate is published only when its denominator is at least this number.",
    group="Monitoring",
)

# Marking suggestions (decision 0041): the thresholds of the explainable rules in
# palliare.patients.suggestions.rules, per rule code, e.g.
# {"hospital_use": {"months": 6, "min_contacts": 2}, "age_diagnosis": {"min_age": 80}}.
# Empty: the defaults documented in the rules. The network coordinator sees the values in force.
MARKING_SUGGESTIONS: dict[str, dict[str, int]] = {}
