"""What the meetings ask of the professional today: their action items (overdue first) and the
meetings coming up. Each section issues a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.ui.worklist import Section, register

from . import access
from .constants import UPCOMING_DAYS
from .models import ActionItem, CoreTeam, Meeting

SHOWN = 8


@register("meeting_actions")
def my_actions(actor: Actor) -> Section | None:
    if not actor.has(Permission.VIEW_PATIENT) or actor.user is None:
        return None
    today = timezone.localdate()
    mine = ActionItem.objects.for_owner(actor).open()
    counts = mine.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    if not counts["total"]:
        return None
    items = list(
        mine.select_related("meeting", "patient", "owner", "owner_organization").order_by(
            "due_on", "pk"
        )[:SHOWN]
    )
    visible = access.visible_patient_ids(actor, [a.patient_id for a in items])
    access.record_list_view(
        actor,
        "meetings.worklist_actions_viewed",
        [a.patient for a in items if a.patient_id in visible],
    )
    return Section(
        key="meeting_actions",
        title=_("My actions from meetings"),
        template="meetings/partials/worklist_actions.html",
        context={
            "items": items,
            "visible": visible,
            "today": today,
            "overdue": counts["overdue"],
            "more": counts["total"] > len(items),
        },
        order=15,
        count=counts["total"],
    )


@register("meetings_upcoming")
def upcoming_meetings(actor: Actor) -> Section | None:
    if not actor.has(Permission.VIEW_PATIENT) or actor.organization_id is None:
        return None
    meetings = list(
        Meeting.objects.for_actor(actor)
        .upcoming(UPCOMING_DAYS)
        .select_related("core_team")
        .annotate(patients=Count("agenda_items", filter=Q(agenda_items__removed_at__isnull=True)))
        .order_by("starts_at")[:5]
    )
    if not meetings:
        return None
    managed: set[int] = set()
    if actor.has(Permission.MANAGE_MEETINGS):
        managed = set(CoreTeam.objects.managed_by(actor).values_list("pk", flat=True))
    return Section(
        key="meetings_upcoming",
        title=_("Meetings coming up"),
        template="meetings/partials/worklist_meetings.html",
        context={"meetings": meetings, "managed": managed},
        order=40,
    )
