"""The agenda sections and where their patients come from.

An agenda is generated from the palliative register of the core team's GP practices, section
by section. Each section is registered here with a *source*: a function that gets an
:class:`AgendaContext` and returns :class:`Candidate` patients (one query, bounded by the
practices' register). A patient who qualifies for several sections is listed once, in the
first section, with the other sections as extra reasons.

Other apps contribute without this app importing them: in their ``meeting_agenda.py`` they call
``register_source("plan_review", my_source)`` (the care-plan app: plans due for review) or
``register_section(...)`` for a section of their own. The "plans due for review" section exists
from the start; until an app feeds it, the agenda says so.

``detail`` values must be JSON-able. Keys the agenda shows: ``urgency``, ``marked_since``,
``diagnosis_group``, ``open_signals``, ``date_of_death``, ``place_of_death``, ``due_on``
(ISO date, e.g. the review date of a plan) and ``note`` (short plain text, no free-text
clinical notes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from palliare.patients.constants import SignalStatus, Urgency
from palliare.patients.models import DeathRegistration, Patient
from palliare.patients.querysets import PatientQuerySet

from .constants import OTHER_SECTION


@dataclass(frozen=True)
class AgendaContext:
    """What a source needs: whose register, and the period since the previous meeting."""

    practice_ids: tuple[int, ...]
    since: dt.date
    until: dt.date

    def patients(self) -> PatientQuerySet:
        """The register of the core team's GP practices (sources start here)."""
        return Patient.objects.filter(gp_practice_id__in=self.practice_ids)


@dataclass(frozen=True)
class Candidate:
    """A patient a source puts on the agenda, with what the agenda should show about them."""

    patient_id: int
    detail: dict[str, Any] = field(default_factory=dict)
    sort_key: str = ""


Source = Callable[[AgendaContext], Iterable[Candidate]]


@dataclass(frozen=True)
class AgendaSection:
    key: str
    label: str | Promise
    description: str | Promise
    order: int
    source: Source | None = None
    #: Shown when no app feeds the section yet.
    unfed_note: str | Promise = ""


_SECTIONS: dict[str, AgendaSection] = {}


def register_section(
    key: str,
    *,
    label: str | Promise,
    description: str | Promise = "",
    order: int = 50,
    source: Source | None = None,
    unfed_note: str | Promise = "",
) -> AgendaSection:
    """Add (or replace) an agenda section."""
    section = AgendaSection(key, label, description, order, source, unfed_note)
    _SECTIONS[key] = section
    return section


def register_source(key: str, source: Source) -> None:
    """Feed an existing section (e.g. careplans → ``"plan_review"``)."""
    if key not in _SECTIONS:
        raise KeyError(f"unknown agenda section {key!r}")
    _SECTIONS[key] = replace(_SECTIONS[key], source=source)


def sections() -> list[AgendaSection]:
    return sorted(_SECTIONS.values(), key=lambda s: s.order)


def section(key: str) -> AgendaSection | None:
    return _SECTIONS.get(key)


def section_choices() -> list[tuple[str, str | Promise]]:
    return [(s.key, s.label) for s in sections()]


def collect(context: AgendaContext) -> dict[int, tuple[str, list[str], dict[str, Any], str]]:
    """Every qualifying patient: ``{patient_id: (section, reasons, detail, sort_key)}``."""
    found: dict[int, tuple[str, list[str], dict[str, Any], str]] = {}
    for sec in sections():
        if sec.source is None:
            continue
        for candidate in sec.source(context):
            if candidate.patient_id in found:
                _first, reasons, detail, _sort = found[candidate.patient_id]
                reasons.append(sec.key)
                detail.update({k: v for k, v in candidate.detail.items() if k not in detail})
            else:
                found[candidate.patient_id] = (
                    sec.key,
                    [sec.key],
                    dict(candidate.detail),
                    candidate.sort_key,
                )
    return found


# --- the built-in sections: the palliative register itself ---


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def newly_marked(ctx: AgendaContext) -> list[Candidate]:
    rows = (
        ctx.patients()
        .marked()
        .filter(marked_since__gte=ctx.since, marked_since__lte=ctx.until)
        .order_by("marked_since", "family_name")
        .values_list("pk", "marked_since", "diagnosis_group", "urgency", "family_name")
    )
    return [
        Candidate(
            pk,
            {"marked_since": _iso(marked), "diagnosis_group": group, "urgency": urgency},
            f"{marked}{name}",
        )
        for pk, marked, group, urgency, name in rows
    ]


_URGENCY_RANK = {Urgency.RED.value: "0", Urgency.ORANGE.value: "1"}


def urgent(ctx: AgendaContext) -> list[Candidate]:
    rows = (
        ctx.patients()
        .alive()
        .filter(urgency__in=[Urgency.RED, Urgency.ORANGE])
        .order_by("family_name")
        .values_list("pk", "urgency", "marked_since", "family_name")
    )
    return [
        Candidate(
            pk,
            {"urgency": urgency, "marked_since": _iso(marked)},
            f"{_URGENCY_RANK.get(urgency, '9')}{name}",
        )
        for pk, urgency, marked, name in rows
    ]


def open_signals(ctx: AgendaContext) -> list[Candidate]:
    rows = (
        ctx.patients()
        .alive()
        .annotate(open_count=Count("signals", filter=~Q(signals__status=SignalStatus.HANDLED)))
        .filter(open_count__gt=0)
        .order_by("family_name")
        .values_list("pk", "open_count", "urgency", "family_name")
    )
    return [
        Candidate(pk, {"open_signals": count, "urgency": urgency}, name)
        for pk, count, urgency, name in rows
    ]


def recently_deceased(ctx: AgendaContext) -> list[Candidate]:
    rows = list(
        ctx.patients()
        .filter(date_of_death__gte=ctx.since, date_of_death__lte=ctx.until)
        .order_by("date_of_death", "family_name")
        .values_list("pk", "date_of_death", "family_name")
    )
    places = dict(
        DeathRegistration.objects.filter(patient_id__in=[r[0] for r in rows])
        .order_by("patient_id", "version")
        .values_list("patient_id", "place_of_death")
    )  # later versions overwrite earlier ones in the dict: the current registration wins
    return [
        Candidate(
            pk, {"date_of_death": _iso(died), "place_of_death": places.get(pk, "")}, f"{died}{n}"
        )
        for pk, died, n in rows
    ]


register_section(
    "newly_marked",
    label=_("Newly marked"),
    description=_("Marked as palliative since the previous meeting."),
    order=10,
    source=newly_marked,
)
register_section(
    "urgent",
    label=_("Urgent"),
    description=_("PaTz colour red or orange."),
    order=20,
    source=urgent,
)
register_section(
    "plan_review",
    label=_("Care plans due for review"),
    description=_("Individual care plans whose review date has come."),
    order=30,
    unfed_note=_("The care-plan module does not feed this section yet."),
)
register_section(
    "open_signals",
    label=_("Open signals"),
    description=_("Signals to the GP practice not yet handled."),
    order=40,
    source=open_signals,
)
register_section(
    "deceased",
    label=_("Recently deceased"),
    description=_(
        "Died since the previous meeting: after-death analysis (what went well, place of death "
        "compared to the wish, lessons)."
    ),
    order=50,
    source=recently_deceased,
)
register_section(
    OTHER_SECTION,
    label=_("Other patients"),
    description=_("Added by the core team."),
    order=90,
)
