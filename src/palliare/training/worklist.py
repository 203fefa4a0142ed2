"""Training on the start page: the professional's own coming registrations and the next sessions
with free places. A fixed number of queries."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.ui.worklist import Section, register

from .models import Registration, Session

SHOWN = 4


@register("training")
def training(actor: Actor) -> Section | None:
    if not actor.has(Permission.REGISTER_TRAINING) or actor.membership is None:
        return None
    now = timezone.now()
    mine = list(
        Registration.objects.active()
        .filter(professional_id=actor.membership.professional_id, session__starts_at__gt=now)
        .select_related("session__course")
        .order_by("session__starts_at")[:SHOWN]
    )
    sessions = list(
        Session.objects.upcoming(now)
        .exclude(pk__in=[r.session_id for r in mine])
        .with_counts()
        .select_related("course")
        .order_by("starts_at")[:SHOWN]
    )
    if not mine and not sessions:
        return None
    return Section(
        key="training",
        title=_("Training"),
        template="training/partials/worklist.html",
        context={"mine": mine, "sessions": sessions},
        order=70,
    )
