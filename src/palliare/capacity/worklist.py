"""Start-page sections of capacity: a facility keeps its beds current in a few clicks; a
district-nursing organisation says whether it takes new clients; the network coordinator sees
stale entries and expiring assessments; referrers see where a bed is free."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.ui.worklist import Section, register

from .cards import facility_cards, intake_cards
from .constants import EXPIRY_WARNING
from .forms import IntakeForm
from .models import DistrictNursingService, Facility, QualityAssessment

MAX_ITEMS = 20


@register("capacity_beds")
def beds_section(actor: Actor) -> Section | None:
    """The facility's own beds with +/- buttons (2 queries)."""
    if not actor.has(Permission.UPDATE_FACILITY_CAPACITY):
        return None
    facilities = list(
        Facility.objects.active()
        .managed_by(actor)
        .with_current()
        .order_by("name", "pk")[:MAX_ITEMS]
    )
    if not facilities:
        return None
    cards = facility_cards(facilities)
    return Section(
        key="capacity_beds",
        title=_("Our beds"),
        template="capacity/partials/worklist_beds.html",
        context={"cards": cards},
        order=10,
        count=sum(1 for c in cards if c.is_stale) or None,
    )


@register("capacity_intake")
def intake_section(actor: Actor) -> Section | None:
    """Whether the district-nursing organisation takes new palliative clients (1 query)."""
    if not actor.has(Permission.UPDATE_INTAKE_STATUS):
        return None
    services = list(
        DistrictNursingService.objects.active()
        .managed_by(actor)
        .select_related("organization", "current_intake")
        .order_by("organization__name")[:MAX_ITEMS]
    )
    if not services:
        return None
    cards = intake_cards(services)
    return Section(
        key="capacity_intake",
        title=_("New palliative clients"),
        template="capacity/partials/worklist_intake.html",
        context={"cards": cards, "form": IntakeForm()},
        order=11,
        count=sum(1 for c in cards if c.is_stale) or None,
    )


@register("capacity_coordination")
def coordination_section(actor: Actor) -> Section | None:
    """For the network coordinator: stale bed reports and assessments about to expire."""
    if not actor.has(Permission.MANAGE_QUALITY) and not actor.has(Permission.MANAGE_DIRECTORY):
        return None
    stale = Facility.objects.active().stale().select_related("organization", "current_status")
    stale_count = stale.count()
    stale_items = list(stale.order_by("name", "pk")[:5])
    today = timezone.localdate()
    expiring = list(
        QualityAssessment.objects.filter(
            valid_until__gte=today, valid_until__lt=today + EXPIRY_WARNING
        )
        .select_related("service__organization")
        .order_by("valid_until")[:5]
    )
    if not stale_count and not expiring:
        return None
    return Section(
        key="capacity_coordination",
        title=_("Capacity overview to keep current"),
        template="capacity/partials/worklist_coordination.html",
        context={"stale": stale_items, "stale_count": stale_count, "expiring": expiring},
        order=40,
        count=stale_count + len(expiring),
    )


@register("capacity_free_beds")
def free_beds_section(actor: Actor) -> Section | None:
    """For referrers: how many places have a free bed now, with a link to the search (1 query)."""
    if not actor.has(Permission.SEND_REFERRAL) or actor.has(Permission.UPDATE_FACILITY_CAPACITY):
        return None
    available = Facility.objects.active().available().count()
    return Section(
        key="capacity_free_beds",
        title=_("Free palliative beds"),
        template="capacity/partials/worklist_free_beds.html",
        context={"available": available},
        order=60,
    )
