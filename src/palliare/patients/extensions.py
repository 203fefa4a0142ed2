"""How other apps add to the patient page and the patient timeline without this app importing
them: an app registers a panel and/or a timeline provider in its ``patient_extensions.py``.

A timeline provider is called as ``provider(actor, patient, limit)``. With ``limit=None`` it
returns all its entries (the timeline page); with a number it returns at most its ``limit``
newest entries (the patient page shows only the newest few), loading no more rows than those
need (:func:`newest`). The patient is already opened through the access policy (and that read
logged) when providers and panels run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import F, Model, QuerySet
from django.db.models.functions import Coalesce, Greatest
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


#: ``provider(actor, patient, limit)``: all entries (``limit=None``) or at most the ``limit``
#: newest ones, in any order.
TimelineProvider = Callable[["Actor", "Patient", int | None], list[TimelineEntry]]
PanelProvider = Callable[["Actor", "Patient"], Panel | None]

_TIMELINE: dict[str, TimelineProvider] = {}
_PANELS: dict[str, PanelProvider] = {}


@dataclass(frozen=True)
class Prefill:
    """Answers another app already holds for a form of the register (e.g. the death
    registration from the care plan), and where they come from, to show them as such."""

    values: dict[str, Any]
    source: str | Promise


#: ``provider(actor, patient)``: what the app knows for the death registration, or None.
PrefillProvider = Callable[["Actor", "Patient"], Prefill | None]
_DEATH_PREFILL: dict[str, PrefillProvider] = {}


def register_death_prefill(key: str) -> Callable[[PrefillProvider], PrefillProvider]:
    def decorator(provider: PrefillProvider) -> PrefillProvider:
        _DEATH_PREFILL[key] = provider
        return provider

    return decorator


def death_prefill_for(actor: Actor, patient: Patient) -> list[Prefill]:
    return [p for provider in _DEATH_PREFILL.values() if (p := provider(actor, patient))]


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


def timeline_for(
    actor: Actor, patient: Patient, *, limit: int | None = None
) -> list[TimelineEntry]:
    """The patient's timeline, newest first: all of it, or only the ``limit`` newest entries
    (each provider is asked for at most that many)."""
    entries = [
        entry for provider in _TIMELINE.values() for entry in provider(actor, patient, limit)
    ]
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return entries if limit is None else entries[:limit]


M = TypeVar("M", bound=Model)


def newest(queryset: QuerySet[M], limit: int | None, *fields: str) -> QuerySet[M]:
    """The rows behind the ``limit`` newest timeline entries of one source (all rows when
    ``limit`` is None). A row gives one entry per field in ``fields``: the first is always set
    (e.g. ``created_at``), later ones may be empty (e.g. ``ended_at``). Rows are ranked by their
    latest date, so a row created long ago but ended yesterday is among them."""
    if limit is None:
        return queryset
    first, *later = fields
    if later:
        latest = Greatest(F(first), *(Coalesce(F(f), F(first)) for f in later))
        return queryset.order_by(latest.desc(), "-pk")[:limit]
    return queryset.order_by(F(first).desc(), "-pk")[:limit]


T = TypeVar("T")

_PAGE_READS: ContextVar[dict[tuple[str, int], Any] | None] = ContextVar(
    "patient_page_reads", default=None
)


@contextmanager
def one_page() -> Iterator[None]:
    """Within this block (one rendering of the patient page), a panel and a timeline provider
    of the same app that need the same rows read them once, through :func:`read_once`."""
    token = _PAGE_READS.set({})
    try:
        yield
    finally:
        _PAGE_READS.reset(token)


def read_once(key: str, patient: Patient, load: Callable[[], T]) -> T:
    """``load()``, or what it returned earlier for this key and patient in the same
    :func:`one_page` block. Outside such a block it simply loads."""
    reads = _PAGE_READS.get()
    if reads is None:
        return load()
    if (key, patient.pk) not in reads:
        reads[key, patient.pk] = load()
    result: T = reads[key, patient.pk]
    return result


def panels_for(actor: Actor, patient: Patient) -> list[Panel]:
    panels = [p for provider in _PANELS.values() if (p := provider(actor, patient)) is not None]
    return sorted(panels, key=lambda p: p.order)
