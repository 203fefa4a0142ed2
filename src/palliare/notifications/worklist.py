"""Unread notifications on the start page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.ui.worklist import Section, register

from .models import Notification
from .services import attach_patient_names


@register("notifications")
def unread_notifications(actor: Actor) -> Section | None:
    if actor.user is None:
        return None
    unread = Notification.objects.filter(recipient=actor.user, read_at__isnull=True)
    items = list(unread[:8])
    if not items:
        return None
    attach_patient_names(actor, items)
    return Section(
        key="notifications",
        title=_("Notifications"),
        template="notifications/partials/section.html",
        context={"items": items},
        order=5,
        count=unread.count(),
    )
