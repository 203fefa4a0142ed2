"""What an access-log event means, in words a patient understands (the "who looked at my
record" report). Each app registers the labels of its own events in ``<app>/audit_labels.py``
(autodiscovered); an event without a label is described by its action."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .constants import AuditAction

_LABELS: dict[str, str | Promise] = {}

#: For events no app labelled: what was done, by the NEN 7513 action.
BY_ACTION: dict[str, str | Promise] = {
    AuditAction.CREATE: _("recorded data"),
    AuditAction.READ: _("looked at data"),
    AuditAction.UPDATE: _("changed data"),
    AuditAction.DELETE: _("removed data"),
    AuditAction.EXECUTE: _("used a function"),
}


def register(labels: dict[str, str | Promise]) -> None:
    """Label event types (``"app.event"`` → a short phrase starting with a verb)."""
    _LABELS.update(labels)


def label(event_type: str, action: str = "") -> str:
    """The phrase for an event: its registered label, else one for its action, else its code."""
    found = _LABELS.get(event_type) or BY_ACTION.get(action)
    return str(found) if found is not None else event_type
