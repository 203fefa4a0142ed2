"""One base for rows that are written once and then only read: history, versions, issued
documents. ``save`` refuses an update and ``delete`` refuses a removal, so a model documented
as append-only is append-only because of its base class, not by convention."""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnlyError(ValueError, RuntimeError):
    """History rows are never changed or removed; record a new row instead.

    A ``ValueError`` for a refused change and a ``RuntimeError`` for a refused removal, as the
    models that guarded themselves before this base raised them."""


class AppendOnlyModel(models.Model):
    """A row that is written once: ``save`` refuses updates and ``delete`` refuses removal."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(
                f"{type(self).__name__} rows are history: they are never changed; "
                "record a new row instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are history and cannot be removed.")
