"""Start-page sections of deliveries: the business controller sees what is due, late or
returned; the programme team sees how many deliveries wait for review."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.ui.worklist import Section, register

from . import services
from .constants import DeliveryStatus
from .models import Delivery

MAX_ITEMS = 10


@register("deliveries_due")
def due_section(actor: Actor) -> Section | None:
    """For the business controller: data set periods to deliver or correct."""
    if not actor.has(Permission.DELIVER_FIGURES) or actor.organization is None:
        return None
    items = services.open_periods(actor.organization)
    if not items:
        return None
    return Section(
        key="deliveries_due",
        title=_("Figures to deliver"),
        template="deliveries/partials/worklist_due.html",
        context={"items": items[:MAX_ITEMS], "more": max(0, len(items) - MAX_ITEMS)},
        order=20,
        count=len(items),
    )


@register("deliveries_review")
def review_section(actor: Actor) -> Section | None:
    """For the programme team: deliveries waiting for review (2 queries)."""
    if not actor.has(Permission.REVIEW_DELIVERIES):
        return None
    waiting = Delivery.objects.filter(status=DeliveryStatus.SUBMITTED)
    count = waiting.count()
    if not count:
        return None
    oldest = list(
        waiting.select_related("organization", "data_set").order_by("submitted_at", "pk")[:5]
    )
    return Section(
        key="deliveries_review",
        title=_("Deliveries to review"),
        template="deliveries/partials/worklist_review.html",
        context={"oldest": oldest, "count": count},
        order=30,
        count=count,
    )
