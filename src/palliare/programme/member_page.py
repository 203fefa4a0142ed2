"""What the organisation's own page shows; later steps add work plans, reports and
self-evaluations here."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from palliare.accounts.actors import Actor

from . import access, reporting
from .constants import ActionStatus, DeliveryState
from .models import MemberOrganization, ReportingRound, SelfEvaluation, Submission, WorkPlan


def member_context(actor: Actor, member: MemberOrganization) -> dict[str, Any]:
    """The member's page: membership, work plans by year, deliveries per round, and its
    self-evaluations with their action plans and next due date."""
    today = timezone.localdate()
    submissions = {s.round_id: s for s in Submission.objects.filter(member=member).defer("content")}
    rounds = []
    for r in ReportingRound.objects.order_by("-due_on"):
        found = submissions.get(r.pk)
        if found is not None:
            state = (
                DeliveryState.ON_TIME
                if found.submitted_on <= r.due_on
                else DeliveryState.LATE_DELIVERED
            )
        else:
            state = DeliveryState.LATE if today > r.due_on else DeliveryState.OPEN
        rounds.append((r, found, state))
    evaluations = list(
        SelfEvaluation.objects.filter(member=member)
        .prefetch_related("themes", "actions")
        .order_by("-pk")
    )
    return {
        "member": member,
        "can_manage": access.can_manage(actor),
        "can_edit_work": access.can_edit_member_work(actor, member),
        "work_plans": list(
            WorkPlan.objects.filter(member=member)
            .prefetch_related("entries__core_element")
            .order_by("-year")
        ),
        "rounds": rounds,
        "evaluations": [(e, reporting.next_due(e)) for e in evaluations],
        "action_statuses": ActionStatus.choices,
        "this_year": today.year,
        "blocks": ["programme/partials/member_work.html"],
    }
