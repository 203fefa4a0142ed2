"""How other apps add to the patient page and the patient timeline without this app importing
them: an app registers a panel and/or a timeline provider in its ``patient_extensions.py``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from palliare.accounts.actors import Actor

    from .models import Patient


#: Readable names of the kinds of timeline entries; other apps add theirs when they register
#: a timeline provider (``register_timeline(key, kinds={...})``).
KIND_LABELS: dict[str, str | Promise] = {
    "registration": _("registration"),
    "consent": _("consent"),
    "marking": _("marking"),
    "urgency": _("urgency"),
    "signal": _("signals"),
    "care_team": _("care team"),
    "caregiver": _("caregivers"),
    "volunteers": _("volunteers"),
    "death": _("death"),
}


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to or around a patient."""

    when: dt.datetime | dt.date
    kind: str  # e.g. "marking", "signal", "consent", "care_team", "meeting", "care_plan"
    title: str | Promise
    detail: str = ""
    by: str = ""
    url: str = ""

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, dt.datetime)

    @property
    def kind_label(self) -> str | Promise:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def sort_key(self) -> dt.datetime:
        if isinstance(self.when, dt.datetime):
            return self.when
        return dt.datetime.combine(self.when, dt.time.max, tzinfo=dt.UTC)


@dataclass
class Panel:
    """A block on the patient page contributed by another app."""

    key: str
    title: str | Promise
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


TimelineProvider = Callable[["Actor", "Patient"], list[TimelineEntry]]
PanelProvider = Callable[["Actor", "Patient"], Panel | None]

_TIMELINE: dict[str, TimelineProvider] = {}
_PANELS: dict[str, PanelProvider] = {}


def register_timeline(
    key: str, *, kinds: dict[str, str | Promise] | None = None
) -> Callable[[TimelineProvider], TimelineProvider]:
    """Add a provider of timeline entries, with the readable names of the kinds it adds."""

    def decorator(provider: TimelineProvider) -> TimelineProvider:
        _TIMELINE[key] = provider
        KIND_LABELS.update(kinds or {})
        return provider

    return decorator


def register_panel(key: str) -> Callable[[PanelProvider], PanelProvider]:
    def decorator(provider: PanelProvider) -> PanelProvider:
        _PANELS[key] = provider
        return provider

    return decorator


def timeline_for(actor: Actor, patient: Patient) -> list[TimelineEntry]:
    entries = [entry for provider in _TIMELINE.values() for entry in provider(actor, patient)]
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)


def panels_for(actor: Actor, patient: Patient) -> list[Panel]:
    panels = [p for provider in _PANELS.values() if (p := provider(actor, patient)) is not None]
    return sorted(panels, key=lambda p: p.order)
