"""Start-page section of the care plan: plans due for review in my GP practice. The section
names patients, so showing it is logged as a list view (NEN 7513)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.patients import access
from palliare.ui.worklist import Section, register

from .models import CarePlan


@register("careplans_review_due")
def plans_due_for_review(actor: Actor) -> Section | None:
    """For the lead practitioner's practice: plans whose review date has come (or is near)."""
    if not actor.has(Permission.EDIT_CARE_PLAN) or actor.organization_id is None:
        return None
    due = CarePlan.objects.due_for_review().filter(patient__gp_practice_id=actor.organization_id)
    items = list(due.select_related("patient").order_by("review_due_on")[:6])
    if not items:
        return None
    access.record_list_view(actor, "careplans.worklist_viewed", [plan.patient for plan in items])
    return Section(
        key="careplans_review_due",
        title=_("Care plans due for review"),
        template="careplans/partials/worklist_review.html",
        context={"items": items, "today": timezone.localdate()},
        order=22,
        count=due.count(),
    )
