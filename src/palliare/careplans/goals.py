"""Care-plan goals and the people responsible for them.

Every plan version rebuilds the plan's :class:`GoalAssignment` rows from its goals (a derived
index: the version's content stays the record). Whoever becomes responsible for a goal (a goal
that is new, or whose responsible person changed) is notified after commit. The owner follows a
goal up from their start page: a change of status is saved as a new plan version, like any
change to the plan, and only by the goal's owner or someone who may edit the plan."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.notifications.messages import message
from palliare.patients.models import CareTeamMember

from .access import may_follow_up
from .constants import GoalStatus
from .models import CarePlanVersion, GoalAssignment


def sync_goals(version: CarePlanVersion, previous: dict[str, Any] | None) -> list[int]:
    """Rebuild the plan's goal rows from ``version``; return the ids of the care-team members
    who became responsible for a goal (new goal, or another person than before)."""
    goals = version.content.get("goals") or []
    before = (previous or {}).get("goals") or []
    member_ids = {int(g["responsible_id"]) for g in goals if str(g.get("responsible_id")).isdigit()}
    members = {m.pk: m for m in CareTeamMember.objects.filter(pk__in=member_ids)}
    GoalAssignment.objects.filter(plan_id=version.plan_id).delete()
    rows, newly = [], []
    for position, goal in enumerate(goals):
        raw = str(goal.get("responsible_id") or "")
        member = members.get(int(raw)) if raw.isdigit() else None
        rows.append(
            GoalAssignment(
                plan_id=version.plan_id,
                version_number=version.number,
                position=position,
                dimension=goal.get("dimension") or "",
                goal=goal.get("goal") or "",
                action=goal.get("action") or "",
                status=goal.get("status") or GoalStatus.PLANNED,
                responsible=member,
                responsible_name=goal.get("responsible_name") or "",
                professional_id=member.professional_id if member else None,
                organization_id=member.organization_id if member else None,
            )
        )
        earlier = before[position] if position < len(before) else None
        same_goal = earlier is not None and earlier.get("goal") == goal.get("goal")
        if member is not None and not (
            same_goal and str(earlier.get("responsible_id") or "") == raw  # type: ignore[union-attr]
        ):
            newly.append(member.pk)
    GoalAssignment.objects.bulk_create(rows)
    return newly


def notify_owners(member_ids: list[int], *, patient_id: int, exclude_user_id: int | None) -> None:
    """Tell each newly responsible person (once each, not the author) that a goal is theirs;
    the title names no patient, the link leads to their goals through the access policy."""
    from palliare.notifications.services import notify

    users = [
        m.professional.user
        for m in CareTeamMember.objects.filter(pk__in=member_ids).select_related(
            "professional__user"
        )
        if m.professional is not None
        and m.professional.user is not None
        and m.professional.user.pk != exclude_user_id
    ]
    notify(
        users,
        kind="careplans.goal_assigned",
        title=message(gettext_noop("A care-plan goal was assigned to you")),
        url=reverse("careplans:my_goals"),
        patient_id=patient_id,
        email=True,
    )


def set_goal_status(actor: Actor, goal: GoalAssignment, status: GoalStatus) -> CarePlanVersion:
    """The owner (or an editor of the plan) records a goal's progress: a new plan version with
    only that goal's status changed, audited like every version."""
    from . import services

    plan = goal.plan
    patient = plan.patient
    if not may_follow_up(actor, goal):
        raise PermissionDenied
    if status not in GoalStatus.values:
        raise ValidationError(_("Choose a status for the goal."))
    if patient.is_deceased:
        raise ValidationError(_("The patient has died; the care plan can no longer be changed."))
    current = plan.current_version
    if current is None or current.number != goal.version_number:
        raise ValidationError(
            _("The care plan changed meanwhile; open your goals again."), code="stale_goal"
        )
    content = dict(current.content)
    goals = [dict(row) for row in content.get("goals") or []]
    goals[goal.position]["status"] = str(status)
    content["goals"] = goals
    note = gettext("Goal status: %(goal)s → %(status)s") % {
        "goal": goal.goal[:80],
        "status": GoalStatus(status).label,
    }
    with transaction.atomic():
        return services.save_goal_follow_up(actor, patient, content, current.number, note)
