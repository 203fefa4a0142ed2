"""The agenda: a snapshot of the register taken when the meeting is prepared, refreshed until
the meeting is held; the coordinator adds, removes and reorders patients."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.audit.constants import AuditAction
from palliare.patients import access as patient_access
from palliare.patients.models import Patient

from .. import access, agenda
from ..constants import OTHER_SECTION, MeetingStatus
from ..models import AgendaItem, Meeting
from .common import actor_name, log
from .meetings import agenda_since


def _ensure_open(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("The agenda can only change before the meeting is held."))


def _section_order() -> dict[str, int]:
    return {s.key: s.order for s in agenda.sections()}


@transaction.atomic
def prepare_agenda(actor: Actor, meeting: Meeting) -> list[AgendaItem]:
    """Take (or refresh) the agenda snapshot from the register of the core team's practices.

    Patients who qualify are added; data of items already on the agenda is brought up to date;
    items that no longer qualify and have nothing recorded are dropped; removed and hand-added
    items stay as the coordinator left them. Unless the coordinator reordered the agenda, it is
    sorted by section again."""
    access.ensure_manages(actor, meeting.core_team)
    meeting = Meeting.objects.select_for_update().select_related("core_team").get(pk=meeting.pk)
    _ensure_open(meeting)
    since = agenda_since(meeting)
    context = agenda.AgendaContext(
        practice_ids=tuple(access.practice_ids(meeting.core_team)),
        since=since,
        until=timezone.localdate(meeting.starts_at),
    )
    found = agenda.collect(context)
    now = timezone.now()
    existing = {i.patient_id: i for i in AgendaItem.objects.filter(meeting=meeting)}
    with_records = set(
        AgendaItem.objects.filter(meeting=meeting, action_items__isnull=False).values_list(
            "pk", flat=True
        )
    )
    order = _section_order()
    keep: list[AgendaItem] = []
    dropped: list[AgendaItem] = []
    for patient_id, item in existing.items():
        if item.is_removed:
            continue
        hit = found.get(patient_id)
        if hit is not None:
            section, reasons, detail, _sort = hit
            if not item.is_manual:
                item.section = section
            item.reasons, item.detail, item.refreshed_at = reasons, detail, now
            keep.append(item)
        elif item.is_manual or item.minutes_version or item.pk in with_records:
            keep.append(item)
        else:
            dropped.append(item)
    added = [
        AgendaItem(
            meeting=meeting,
            patient_id=patient_id,
            section=section,
            reasons=reasons,
            detail=detail,
            added_by_name=actor_name(actor),
            refreshed_at=now,
        )
        for patient_id, (section, reasons, detail, _sort) in found.items()
        if patient_id not in existing
    ]
    sort_keys = {pid: hit[3] for pid, hit in found.items()}
    if meeting.agenda_reordered:
        ordered = sorted(keep, key=lambda i: i.position) + sorted(
            added, key=lambda i: (order.get(i.section, 99), sort_keys.get(i.patient_id, ""))
        )
    else:
        ordered = sorted(
            keep + added,
            key=lambda i: (
                order.get(i.section, 99),
                i.is_manual,
                i.position if i.is_manual else 0,
                sort_keys.get(i.patient_id, ""),
            ),
        )
    for position, item in enumerate(ordered, start=1):
        item.position = position
    AgendaItem.objects.filter(pk__in=[i.pk for i in dropped]).delete()
    AgendaItem.objects.bulk_create(added)
    AgendaItem.objects.bulk_update(
        keep, ["section", "reasons", "detail", "refreshed_at", "position"]
    )
    first = meeting.agenda_prepared_at is None
    meeting.agenda_prepared_at = now
    meeting.agenda_prepared_by_name = actor_name(actor)
    meeting.agenda_since = since
    meeting.save(update_fields=["agenda_prepared_at", "agenda_prepared_by_name", "agenda_since"])
    log(
        "meeting.agenda_prepared" if first else "meeting.agenda_refreshed",
        actor,
        AuditAction.CREATE if first else AuditAction.UPDATE,
        meeting,
        patient_ids=[i.patient_id for i in ordered],
        added=len(added),
        dropped=len(dropped),
    )
    return ordered


@transaction.atomic
def add_agenda_patient(
    actor: Actor, meeting: Meeting, patient: Patient, *, section: str = OTHER_SECTION
) -> AgendaItem:
    """Put a patient of the core team's practices on the agenda by hand."""
    access.ensure_manages(actor, meeting.core_team)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _ensure_open(meeting)
    if agenda.section(section) is None:
        raise ValidationError({"section": _("Choose a section of the agenda.")})
    if patient.gp_practice_id not in access.practice_ids(meeting.core_team):
        raise ValidationError(_("This patient is not in the register of this core team."))
    if patient_access.access_purpose(actor, patient) is None:
        raise PermissionDenied
    item = AgendaItem.objects.filter(meeting=meeting, patient=patient).first()
    last = AgendaItem.objects.filter(meeting=meeting).order_by("-position").first()
    position = (last.position if last else 0) + 1
    if item is not None and not item.is_removed:
        raise ValidationError(_("This patient is already on the agenda."))
    if item is not None:
        item.removed_at, item.removed_by_name = None, ""
        item.section, item.is_manual, item.position = section, True, position
        item.save(
            update_fields=["removed_at", "removed_by_name", "section", "is_manual", "position"]
        )
    else:
        item = AgendaItem.objects.create(
            meeting=meeting,
            patient=patient,
            section=section,
            reasons=[section],
            detail={"urgency": patient.urgency, "marked_since": str(patient.marked_since or "")},
            is_manual=True,
            position=position,
            added_by_name=actor_name(actor),
        )
    if meeting.agenda_prepared_at is None:
        meeting.agenda_prepared_at = timezone.now()
        meeting.agenda_prepared_by_name = actor_name(actor)
        meeting.agenda_since = agenda_since(meeting)
        meeting.save(
            update_fields=["agenda_prepared_at", "agenda_prepared_by_name", "agenda_since"]
        )
    log(
        "meeting.agenda_patient_added",
        actor,
        AuditAction.CREATE,
        item,
        patient_id=patient.pk,
        section=section,
    )
    return item


@transaction.atomic
def remove_agenda_item(actor: Actor, item: AgendaItem) -> AgendaItem:
    """Take a patient off the agenda. The row stays (removed), so a refresh does not put the
    patient back; a patient already discussed cannot be removed."""
    meeting = item.meeting
    access.ensure_manages(actor, meeting.core_team)
    _ensure_open(meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.is_removed:
        return item
    if item.minutes_version or item.action_items.exists():
        raise ValidationError(
            _("Minutes or actions are recorded for this patient; the item stays on the agenda.")
        )
    item.removed_at, item.removed_by_name = timezone.now(), actor_name(actor)
    item.save(update_fields=["removed_at", "removed_by_name"])
    log(
        "meeting.agenda_patient_removed",
        actor,
        AuditAction.UPDATE,
        item,
        patient_id=item.patient_id,
    )
    return item


@transaction.atomic
def move_agenda_item(
    actor: Actor, item: AgendaItem, direction: Literal["up", "down"]
) -> AgendaItem:
    """Move an item one place up or down within its section."""
    meeting = item.meeting
    access.ensure_manages(actor, meeting.core_team)
    _ensure_open(meeting)
    siblings = list(
        AgendaItem.objects.select_for_update()
        .filter(meeting=meeting, section=item.section, removed_at__isnull=True)
        .order_by("position", "pk")
    )
    index = next((n for n, s in enumerate(siblings) if s.pk == item.pk), None)
    if index is None:
        raise ValidationError(_("This patient is not on the agenda."))
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        a, b = siblings[index], siblings[other]
        a.position, b.position = b.position, a.position
        if a.position == b.position:
            b.position += 1 if direction == "up" else -1
        AgendaItem.objects.bulk_update([a, b], ["position"])
        Meeting.objects.filter(pk=meeting.pk).update(agenda_reordered=True)
        log("meeting.agenda_reordered", actor, AuditAction.UPDATE, a, direction=direction)
        return a
    return item
