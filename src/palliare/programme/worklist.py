"""What the programme asks of people on their start page: their own actions from body meetings
(anyone who owns one), and for the coordinator, programme team and steering group the
deliverables awaiting a decision and the late ones. A fixed number of queries."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.ui.worklist import Section, register

from . import dashboard
from .models import ProgrammeAction


@register("programme_actions")
def my_programme_actions(actor: Actor) -> Section | None:
    if actor.membership is None:
        return None
    mine = ProgrammeAction.objects.filter(
        done_on__isnull=True, owner_id=actor.membership.professional_id
    )
    items = list(mine.select_related("meeting__body").order_by("due_on")[: dashboard.SHOWN])
    if not items:
        return None
    return Section(
        key="programme_actions",
        title=_("My actions from the programme"),
        template="programme/partials/worklist_actions.html",
        context={"items": items, "today": timezone.localdate()},
        order=16,
        count=len(items),
    )


@register("programme_attention")
def programme_attention(actor: Actor) -> Section | None:
    if not (actor.has(Permission.MANAGE_PROGRAMME) or actor.has(Permission.RECORD_DECISIONS)):
        return None
    needs = dashboard.needs_attention()
    if not (needs.to_decide_count or needs.late_count or needs.open_actions_count):
        return None
    return Section(
        key="programme_attention",
        title=_("The programme"),
        template="programme/partials/worklist_attention.html",
        context={"needs": needs},
        order=20,
        count=needs.to_decide_count + needs.late_count,
    )
