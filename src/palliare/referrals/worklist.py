"""New referrals on the receiving organisation's start page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.patients.access import record_list_view
from palliare.ui.worklist import Section, register

from .constants import ReferralStatus
from .models import Referral


@register("referrals_received")
def new_referrals(actor: Actor) -> Section | None:
    if not actor.has(Permission.RECEIVE_REFERRAL) or actor.organization_id is None:
        return None
    waiting = Referral.objects.filter(
        receiving_organization_id=actor.organization_id, status=ReferralStatus.SENT
    )
    items = list(
        waiting.select_related("patient", "referring_organization").order_by("created_at")[:6]
    )
    if not items:
        return None
    record_list_view(actor, "referrals.worklist_viewed", [r.patient for r in items])
    return Section(
        key="referrals_received",
        title=_("Referrals waiting for an answer"),
        template="referrals/partials/worklist.html",
        context={"items": items},
        order=12,
        count=waiting.count(),
    )
