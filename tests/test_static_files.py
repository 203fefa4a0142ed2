"""Production's static-file storage (WhiteNoise's manifest storage) accepts every static file
the apps ship: ``collectstatic`` with production's backend succeeds. It once failed because
vendored scripts named source maps that are not shipped (``//# sourceMappingURL=…``), which
only the production deploy (and the load benchmark) ran into."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_with_the_production_storage_succeeds(tmp_path: Path) -> None:
    production = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=production):
        call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
