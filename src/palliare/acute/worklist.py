"""Start-page sections: the acute search for acute-care roles (the first thing at 3 a.m.), how
many shared plans their area holds (without opening one), and the emergency accesses waiting
for the privacy officer."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.ui.worklist import Section, register

from . import area
from .forms import AcuteSearchForm
from .models import EmergencyAccess


@register("acute_search")
def acute_search(actor: Actor) -> Section | None:
    if not actor.has(Permission.VIEW_ACUTE_SUMMARY):
        return None
    return Section(
        key="acute_search",
        title=_("Find a patient's care plan"),
        template="acute/partials/worklist_search.html",
        context={"form": AcuteSearchForm()},
        order=1,
    )


@register("acute_area")
def acute_area(actor: Actor) -> Section | None:
    """Need-to-know instead of a push per plan change: the organisation sees where in its area
    shared plans exist; a plan opens only through the search, for a patient being treated."""
    summary = area.shared_plans(actor)
    if summary is None:
        return None
    return Section(
        key="acute_area",
        title=_("Shared plans in your area"),
        template="acute/partials/worklist_area.html",
        context={"summary": summary},
        order=2,
    )


@register("emergency_review")
def emergency_review(actor: Actor) -> Section | None:
    if not actor.has(Permission.REVIEW_EMERGENCY_ACCESS):
        return None
    waiting = EmergencyAccess.objects.unreviewed()
    items = list(waiting.order_by("started_at")[:6])
    return Section(
        key="emergency_review",
        title=_("Emergency access to review"),
        template="acute/partials/worklist_review.html",
        context={"items": items},
        order=5,
        count=waiting.count(),
    )
