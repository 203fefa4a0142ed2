"""One base for rows that are written once and then only read: history, versions, issued
documents, the access log. ``save`` refuses an update, ``delete`` a removal, and the model's
querysets refuse ``update()`` and ``delete()`` (and so ``bulk_update``), so a model documented as
append-only is append-only because of its base class, not by convention
(``db/tests/test_append_only.py`` walks every model and holds each documented one to it).

A few history rows carry a state that legitimately moves after they are written, such as the
review of a delivered data set. Such a model names those fields in
``append_only_mutable_fields``: an existing row may then be saved with
``update_fields`` inside that list (and a queryset updated on those fields only); every other
field stays as written. Keep the list short and say in the model why each field moves.

Removal by the database's own cascade (deleting the parent row) is not refused here: it is
how a whole aggregate goes, and the access log has database triggers for that
(``audit/triggers.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, NoReturn, TypeVar

from django.db import models

M = TypeVar("M", bound="AppendOnlyModel")


class AppendOnlyError(ValueError, TypeError, RuntimeError):
    """History rows are never changed or removed; record a new row instead.

    A ``ValueError``, a ``TypeError`` and a ``RuntimeError`` at once, because the guards this
    base replaced raised one or another of them (and code and tests still catch them); an app
    may subclass it for its own name (the access log's ``AuditLogImmutableError``)."""


class AppendOnlyQuerySet(models.QuerySet[M]):
    """Refuses bulk ``update()`` (except of the model's mutable fields) and ``delete()``."""

    def update(self, **kwargs: Any) -> int:
        _check_fields(self.model, kwargs)
        return super().update(**kwargs)

    def delete(self) -> NoReturn:
        raise self.model.append_only_error(
            f"{self.model.__name__} rows are history and cannot be removed."
        )


def _check_fields(model: type[AppendOnlyModel], fields: Iterable[str] | None) -> None:
    names = set(fields or ())
    if not names or not names <= model.append_only_mutable_fields:
        mutable = model.append_only_mutable_fields
        raise model.append_only_error(
            f"{model.__name__} rows are history: they are never changed; record a new row "
            "instead."
            + (f" {model.append_only_mutable_reason}" if model.append_only_mutable_reason else "")
            + (f" Only {', '.join(sorted(mutable))} may change." if mutable else "")
        )


class AppendOnlyModel(models.Model):
    """A row that is written once: ``save`` refuses updates, ``delete`` refuses removal, and
    its querysets refuse ``update()`` and ``delete()``."""

    #: Fields that may still change after the row is written (through ``save(update_fields=…)``
    #: or a queryset's ``update()``); empty: none.
    append_only_mutable_fields: ClassVar[frozenset[str]] = frozenset()
    #: Why those fields move (said in the refusal).
    append_only_mutable_reason: ClassVar[str] = ""
    #: What a refusal raises (an app's subclass of :class:`AppendOnlyError`, if it has one).
    append_only_error: ClassVar[type[AppendOnlyError]] = AppendOnlyError

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _check_fields(type(self), kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self.append_only_error(
            f"{type(self).__name__} rows are history and cannot be removed."
        )
