"""The care plans' reads behind the access policy: the list of plans (logged in the same call),
an editor's own draft, and who may follow up a goal (the goals index, ``GoalAssignment``).

The plan itself is opened through ``patients.access.get_patient_for``; a goal is followed up by
its owner or by someone who edits care plans, and only while they may see the patient. Anyone
else gets the same 404 as for a goal that does not exist — before any input is read, so the
answer says nothing about whether the goal exists.
"""

from __future__ import annotations

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.patients import access as patient_access
from palliare.patients.models import Patient
from palliare.patients.querysets import PatientQuerySet

from .constants import DraftStatus
from .models import CarePlan, CarePlanDraft, GoalAssignment


def may_follow_up(actor: Actor, goal: GoalAssignment) -> bool:
    """Whether ``actor`` may record the goal's progress: they see the patient, and own the goal
    or edit care plans."""
    if patient_access.access_purpose(actor, goal.plan.patient) is None:
        return False
    if actor.has(Permission.EDIT_CARE_PLAN):
        return True
    return GoalAssignment.objects.for_owner(actor).filter(pk=goal.pk).exists()


def goal_for_follow_up(actor: Actor, goal_pk: int) -> GoalAssignment:
    """The goal ``actor`` follows up; Http404 when it is missing or not theirs to follow."""
    goal = (
        GoalAssignment.objects.select_related("plan__patient", "plan__current_version")
        .filter(pk=goal_pk)
        .first()
    )
    if goal is None or not may_follow_up(actor, goal):
        raise Http404
    return goal


def plan_list_page(
    actor: Actor, *, view: str, page: str | int | None, per_page: int
) -> Page[Patient]:
    """One page of the marked patients the actor may see, with whether each has a plan (the
    rows show number, date and review date, not content): all by name, ``view="due"`` those due
    for review (soonest first), ``"missing"`` those without a plan. Logged
    (``careplans.list_read``) in the same call."""

    def narrow(visible: PatientQuerySet) -> QuerySet[Patient]:
        patients = (
            visible.marked()
            .select_related("care_plan")
            .annotate(
                has_plan=Exists(CarePlan.objects.with_version().filter(patient=OuterRef("pk")))
            )
        )
        if view == "due":
            due_ids = CarePlan.objects.due_for_review().values("patient_id")
            return patients.filter(pk__in=due_ids).order_by("care_plan__review_due_on")
        if view == "missing":
            return patients.filter(has_plan=False).order_by("family_name", "given_name")
        return patients.order_by("family_name", "given_name")

    return patient_access.page_of_patients(
        actor, "careplans.list_read", narrow, page=page, per_page=per_page
    )


def own_open_draft(actor: Actor, plan: CarePlan, draft_id: int) -> CarePlanDraft | None:
    """The actor's own open draft of this plan (the plan opened through ``get_patient_for``),
    or None: another editor's draft is not offered."""
    if actor.user is None:
        return None
    return CarePlanDraft.objects.filter(
        pk=draft_id, plan=plan, author=actor.user, status=DraftStatus.OPEN
    ).first()
