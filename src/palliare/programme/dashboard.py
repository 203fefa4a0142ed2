"""What needs the programme's people: open actions, decisions to take (deliverables submitted
to the steering group), late deliverables, meetings coming up. Shared by the programme's home
page and the start-page sections; a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from .constants import DeliverableStatus, MeetingStatus
from .models import BodyMeeting, Deliverable, ProgrammeAction

SHOWN = 8


@dataclass
class NeedsAttention:
    to_decide: list[Deliverable] = field(default_factory=list)
    to_decide_count: int = 0
    late: list[Deliverable] = field(default_factory=list)
    late_count: int = 0
    open_actions: list[ProgrammeAction] = field(default_factory=list)
    open_actions_count: int = 0
    upcoming: list[BodyMeeting] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.to_decide_count + self.late_count + self.open_actions_count


def needs_attention(
    today: dt.date | None = None, *, owner_professional_id: int | None = None
) -> NeedsAttention:
    """The programme's to-do list (all open actions, or only one owner's)."""
    day = today or timezone.localdate()
    submitted = Deliverable.objects.filter(status=DeliverableStatus.SUBMITTED)
    late = Deliverable.objects.filter(due_on__lt=day).exclude(status=DeliverableStatus.ADOPTED)
    actions = ProgrammeAction.objects.filter(done_on__isnull=True)
    if owner_professional_id is not None:
        actions = actions.filter(owner_id=owner_professional_id)
    related = ("action_line", "subregion")
    return NeedsAttention(
        to_decide=list(submitted.select_related(*related).order_by("due_on")[:SHOWN]),
        to_decide_count=submitted.count(),
        late=list(late.select_related(*related).order_by("due_on")[:SHOWN]),
        late_count=late.count(),
        open_actions=list(
            actions.select_related("owner", "meeting__body").order_by("due_on")[:SHOWN]
        ),
        open_actions_count=actions.count(),
        upcoming=list(
            BodyMeeting.objects.filter(
                Q(starts_at__gte=timezone.now()), ~Q(status=MeetingStatus.CANCELLED)
            )
            .select_related("body")
            .order_by("starts_at")[:5]
        ),
    )
