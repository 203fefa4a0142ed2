"""Referrals on the patient page and timeline (the patient is already opened through the
access policy when these run)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.patients.extensions import (
    Panel,
    TimelineEntry,
    newest,
    register_panel,
    register_timeline,
)
from palliare.patients.models import Patient

from .models import Referral, ReferralEvent


@register_panel("referrals")
def referrals_panel(actor: Actor, patient: Patient) -> Panel | None:
    referrals = list(
        Referral.objects.filter(patient=patient)
        .select_related("receiving_organization")
        .order_by("-created_at")[:10]
    )
    if not referrals and not actor.has(Permission.SEND_REFERRAL):
        return None
    return Panel(
        key="referrals",
        title=_("Referrals"),
        template="referrals/partials/panel.html",
        context={
            "referrals": referrals,
            "patient": patient,
            "may_refer": actor.has(Permission.SEND_REFERRAL) and not patient.is_deceased,
        },
        order=60,
    )


@register_timeline("referrals", kinds={"referral": _("referrals")})
def referral_entries(actor: Actor, patient: Patient, limit: int | None) -> list[TimelineEntry]:
    events = ReferralEvent.objects.filter(referral__patient=patient).select_related(
        "referral__receiving_organization"
    )
    return [
        TimelineEntry(
            event.at,
            "referral",
            _("Referral to %(org)s: %(status)s")
            % {
                "org": event.referral.receiving_organization.name,
                "status": event.get_status_display(),
            },
            event.note,
            event.by_name,
            reverse("referrals:detail", args=[event.referral_id]),
        )
        for event in newest(events, limit, "at")
    ]
