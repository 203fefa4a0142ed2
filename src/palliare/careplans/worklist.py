"""Start-page section of the care plan: plans due for review, on the lead practitioner's
worklist. The section names patients, so showing it is logged as a list view (NEN 7513)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.patients import access
from palliare.patients.models import CareTeamMember
from palliare.ui.worklist import Section, register

from .constants import FOLLOW_UP_STATUSES
from .models import CarePlan, GoalAssignment


def _led_by(actor: Actor, organization_id: int) -> Q:
    """The plans the actor's worklist holds: those whose patient the actor leads (the patient's
    current care team has a lead practitioner row for the actor's organisation that names the
    actor's professional record, or names nobody, as marking makes it), and always those of the
    GP practice's own patients. The practice never loses a due plan: a lead who cannot act on it
    (no consent to share with the care team, left the organisation) would otherwise leave it on
    nobody's list."""
    leads = CareTeamMember.objects.current().filter(is_lead_practitioner=True)
    named = Q(professional__isnull=True)
    if actor.membership is not None:
        named |= Q(professional_id=actor.membership.professional_id)
    mine = leads.filter(named, organization_id=organization_id).values("patient_id")
    return Q(patient_id__in=mine) | Q(patient__gp_practice_id=organization_id)


@register("careplans_review_due")
def plans_due_for_review(actor: Actor) -> Section | None:
    """For the lead practitioner: plans whose review date has come (or is near).

    Shown to the patient's current lead practitioner (``CareTeamMember.is_lead_practitioner``):
    the named professional acting for the organisation they lead for (a medical specialist as
    well as a GP), or everyone of that organisation with ``EDIT_CARE_PLAN`` when the lead row
    names no professional; and to the patient's GP practice in every case. Never a patient the
    actor may not see (access policy). A fixed number of queries, however many plans are due.
    """
    if not actor.has(Permission.EDIT_CARE_PLAN) or actor.organization_id is None:
        return None
    visible = access.visible_ids(actor)
    if visible is None:
        return None
    due = (
        CarePlan.objects.due_for_review()
        .filter(_led_by(actor, actor.organization_id))
        .filter(patient_id__in=visible)
    )
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


GOALS_SHOWN = 8


def owner_goals(actor: Actor) -> QuerySet[GoalAssignment] | None:
    """The open goals the actor is responsible for, of patients they may see now (access
    policy); None when they may see none."""
    visible = access.visible_ids(actor)
    if visible is None:
        return None
    mine = (
        GoalAssignment.objects.for_owner(actor)
        .open()
        .filter(plan__patient_id__in=visible)
        .select_related("plan__patient")
    )
    return mine


@register("careplans_my_goals")
def my_goals(actor: Actor) -> Section | None:
    """For the person responsible for care-plan goals: their open goals, with status follow-up
    (as meeting actions). A fixed number of queries; showing the patients is logged."""
    if not actor.has(Permission.VIEW_PATIENT) or actor.user is None:
        return None
    found = owner_goals(actor)
    if found is None:
        return None
    mine = found
    items = list(mine.order_by("status", "plan__patient__family_name", "position")[:GOALS_SHOWN])
    if not items:
        return None
    access.record_list_view(actor, "careplans.goals_viewed", [g.plan.patient for g in items])
    return Section(
        key="careplans_my_goals",
        title=_("My goals from care plans"),
        template="careplans/partials/worklist_goals.html",
        context={"items": items, "statuses": FOLLOW_UP_STATUSES},
        order=16,
        count=mine.count(),
    )
