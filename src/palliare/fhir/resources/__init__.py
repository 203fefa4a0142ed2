"""One handler per resource type, registered in ``REGISTRY`` (see ``base.register``)."""

from .base import REGISTRY, Handler, handler_for

__all__ = ["REGISTRY", "Handler", "handler_for"]


def load() -> None:
    """Import every handler module (they register themselves)."""
    from django.apps import apps

    from . import directory, patient, practitioners  # noqa: F401

    if apps.is_installed("palliare.monitoring"):
        from . import measure_reports, measures  # noqa: F401
    if apps.is_installed("palliare.careplans"):
        from .acp import handlers, patient_hooks  # noqa: F401
