from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(using: str = "default", **kwargs: Any) -> None:
    """After every ``migrate`` (and so ``prepare_demo``): create the database cache's table when
    the database cache is configured (decision 0032). ``createcachetable`` skips a table that
    exists and caches that are not database caches, so this is idempotent."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class EngagementConfig(AppConfig):
    name = "palliare.engagement"
    label = "engagement"
    verbose_name = _("Public events and the newsletter")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the shared-cache check)

        post_migrate.connect(create_cache_table, sender=self)
