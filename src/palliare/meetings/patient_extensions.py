"""The meetings' contributions to the patient page and the patient timeline: in which meetings
the patient was discussed, what was decided, and which actions are open."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.patients.extensions import (
    Panel,
    TimelineEntry,
    newest,
    register_panel,
    register_timeline,
)
from palliare.patients.models import Patient

from .constants import ActionEventKind, MeetingStatus
from .models import ActionItem, ActionItemEvent, AgendaItem, Meeting, MinutesVersion


def _item_url(item: AgendaItem, visible_meetings: set[int]) -> str:
    if item.meeting_id in visible_meetings:
        return reverse("meetings:item", args=[item.meeting_id, item.pk])
    return ""


def _visible_meetings(actor: Actor, meeting_ids: list[int]) -> set[int]:
    if not meeting_ids:
        return set()
    return set(
        Meeting.objects.for_actor(actor).filter(pk__in=meeting_ids).values_list("pk", flat=True)
    )


@register_panel("meetings")
def meetings_panel(actor: Actor, patient: Patient) -> Panel | None:
    items = list(
        AgendaItem.objects.filter(patient=patient, removed_at__isnull=True)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting__core_team")
        .order_by("-meeting__starts_at")[:5]
    )
    actions = list(
        ActionItem.objects.filter(patient=patient)
        .open()
        .select_related("owner", "owner_organization")
        .order_by("due_on")[:10]
    )
    if not items and not actions:
        return None
    visible = _visible_meetings(actor, [i.meeting_id for i in items])
    return Panel(
        key="meetings",
        title=_("Meetings"),
        template="meetings/partials/patient_panel.html",
        context={
            "rows": [(i, _item_url(i, visible)) for i in items],
            "actions": actions,
        },
        order=40,
    )


@register_timeline("meetings", kinds={"meeting": _("meetings")})
def meeting_entries(actor: Actor, patient: Patient, limit: int | None) -> list[TimelineEntry]:
    items = list(
        newest(
            AgendaItem.objects.filter(patient=patient, removed_at__isnull=True)
            .exclude(meeting__status=MeetingStatus.CANCELLED)
            .select_related("meeting__core_team"),
            limit,
            "meeting__starts_at",
        )
    )
    visible = _visible_meetings(actor, [i.meeting_id for i in items])
    minutes = MinutesVersion.objects.filter(agenda_item__patient=patient)
    if limit is not None:
        minutes = minutes.filter(agenda_item__in=[i.pk for i in items])
    decisions = {v.agenda_item_id: v.decisions for v in minutes.order_by("version")}
    entries: list[TimelineEntry] = []
    for item in items:
        meeting = item.meeting
        if meeting.status == MeetingStatus.HELD or item.minutes_version:
            title = _("Discussed in the %(kind)s of %(team)s") % {
                "kind": meeting.get_kind_display(),
                "team": meeting.core_team.name,
            }
        else:
            title = _("On the agenda of the %(kind)s of %(date)s") % {
                "kind": meeting.get_kind_display(),
                "date": date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT"),
            }
        entries.append(
            TimelineEntry(
                meeting.starts_at,
                "meeting",
                title,
                decisions.get(item.pk, ""),
                "",
                _item_url(item, visible),
            )
        )
    events = ActionItemEvent.objects.filter(action_item__patient=patient).select_related(
        "action_item__owner", "action_item__owner_organization"
    )
    for event in newest(events, limit, "at"):
        action = event.action_item
        if event.kind == ActionEventKind.CREATED:
            title = _("Action agreed: %(what)s") % {"what": action.description}
            detail = _("%(owner)s, due %(due)s") % {
                "owner": action.owner_label,
                "due": date_format(action.due_on, "DATE_FORMAT"),
            }
        elif event.kind == ActionEventKind.DONE:
            title = _("Action done: %(what)s") % {"what": action.description}
            detail = event.note
        else:
            title = _("Action reopened: %(what)s") % {"what": action.description}
            detail = event.note
        entries.append(TimelineEntry(event.at, "meeting", title, str(detail), event.by_name))
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)[:limit]
