"""Who may follow up a care-plan goal: the policy for the goals index (``GoalAssignment``).

The plan itself is opened through ``patients.access.get_patient_for``; a goal is followed up by
its owner or by someone who edits care plans, and only while they may see the patient. Anyone
else gets the same 404 as for a goal that does not exist — before any input is read, so the
answer says nothing about whether the goal exists.
"""

from __future__ import annotations

from django.http import Http404

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.patients import access as patient_access

from .models import GoalAssignment


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
