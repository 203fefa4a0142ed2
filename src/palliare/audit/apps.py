from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """(Re)install the append-only triggers after every migrate: SQLite drops triggers when a
    migration rebuilds the table, so installing them once in a migration is not enough."""
    from django.db import connections

    from . import triggers

    connection = connections[using]
    with connection.cursor() as cursor:
        triggers.install(cursor, connection.vendor)


class AuditConfig(AppConfig):
    name = "palliare.audit"
    label = "audit"
    verbose_name = _("Access log (NEN 7513)")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        post_migrate.connect(_ensure_triggers, sender=self)
        # Each app labels its own events for the patient's access report (audit_labels.py).
        autodiscover_modules("audit_labels")
