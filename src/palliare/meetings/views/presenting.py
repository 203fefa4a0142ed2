"""The agenda as the pages and exports show it: sections with numbered rows, each patient named
only when ``patients.access`` lets the viewer see them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from palliare.accounts.actors import Actor
from palliare.patients.constants import DiagnosisGroup, PlaceOfDeath
from palliare.patients.models import Patient

from .. import access, agenda
from ..constants import OTHER_SECTION
from ..models import ActionItem, AgendaItem, Meeting, MinutesVersion


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _label(choices: type[Any], value: Any) -> str | Promise:
    try:
        return choices(value).label  # type: ignore[no-any-return]
    except ValueError:
        return ""


@dataclass
class AgendaRow:
    item: AgendaItem
    number: int
    visible: bool
    other_reasons: list[str | Promise] = field(default_factory=list)
    minutes: MinutesVersion | None = None
    actions: list[ActionItem] = field(default_factory=list)

    @property
    def patient(self) -> Patient | None:
        return self.item.patient if self.visible else None

    @property
    def label(self) -> str:
        """How buttons name this row: the patient, or only the number when hidden."""
        if self.visible:
            return self.item.patient.sort_name
        return _("item %(number)s") % {"number": self.number}

    @property
    def detail(self) -> dict[str, Any]:
        return self.item.detail or {}

    @property
    def urgency(self) -> str:
        return str(self.detail.get("urgency") or "")

    @property
    def marked_since(self) -> dt.date | None:
        return _date(self.detail.get("marked_since"))

    @property
    def date_of_death(self) -> dt.date | None:
        return _date(self.detail.get("date_of_death"))

    @property
    def due_on(self) -> dt.date | None:
        return _date(self.detail.get("due_on"))

    @property
    def open_signals(self) -> int:
        return int(self.detail.get("open_signals") or 0)

    @property
    def place_of_death(self) -> str | Promise:
        return _label(PlaceOfDeath, self.detail.get("place_of_death"))

    @property
    def diagnosis_group(self) -> str | Promise:
        return _label(DiagnosisGroup, self.detail.get("diagnosis_group"))

    @property
    def note(self) -> str:
        return str(self.detail.get("note") or "")

    @property
    def open_actions(self) -> int:
        return int(getattr(self.item, "open_actions", 0) or 0)


@dataclass
class SectionView:
    section: agenda.AgendaSection
    rows: list[AgendaRow]

    @property
    def unfed(self) -> bool:
        return self.section.source is None and self.section.key != OTHER_SECTION


@dataclass
class AgendaView:
    sections: list[SectionView]
    hidden: int
    shown: list[Patient]

    @property
    def rows(self) -> list[AgendaRow]:
        return [row for s in self.sections for row in s.rows]

    @property
    def is_empty(self) -> bool:
        return not self.rows


def build_agenda(
    actor: Actor, meeting: Meeting, *, event: str, with_minutes: bool = False
) -> AgendaView:
    """The agenda of ``meeting`` for ``actor``, in a fixed number of queries; the patients it
    shows by name are logged as a list view (``event``) in the same call."""
    items = list(access.agenda_items(meeting, with_minutes=with_minutes))
    visible = access.visible_patient_ids(actor, [i.patient_id for i in items])
    labels = {s.key: s.label for s in agenda.sections()}
    grouped: dict[str, list[AgendaItem]] = defaultdict(list)
    for entry in items:
        key = entry.section if entry.section in labels else OTHER_SECTION
        grouped[key].append(entry)
    sections: list[SectionView] = []
    number = 0
    for sec in agenda.sections():
        rows = []
        for item in grouped.get(sec.key, []):
            number += 1
            shown = item.patient_id in visible
            row = AgendaRow(item=item, number=number, visible=shown)
            if shown:
                row.other_reasons = [
                    labels[r] for r in (item.reasons or []) if r != sec.key and r in labels
                ]
                if with_minutes:
                    current = getattr(item, "current_minutes", [])
                    row.minutes = current[0] if current else None
                    row.actions = list(getattr(item, "all_actions", []))
            rows.append(row)
        sections.append(SectionView(sec, rows))
    shown_patients = [i.patient for i in items if i.patient_id in visible]
    access.record_list_view(actor, event, shown_patients)
    return AgendaView(sections, hidden=len(items) - len(shown_patients), shown=shown_patients)
