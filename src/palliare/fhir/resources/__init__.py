"""One handler per resource type, registered in ``REGISTRY`` (see ``base.register``)."""

from .base import REGISTRY, Handler, handler_for

__all__ = ["REGISTRY", "Handler", "handler_for"]


def load() -> None:
    """Import every handler module (they register themselves)."""
    from . import directory, patient  # noqa: F401
