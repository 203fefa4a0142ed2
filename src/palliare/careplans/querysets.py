"""Query sets of the care plan. Which patients a user may see is decided in patients.access."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from palliare.db.append_only import AppendOnlyQuerySet

from .constants import OPEN_GOAL_STATUSES, REVIEW_DUE_WITHIN_DAYS

if TYPE_CHECKING:
    from palliare.accounts.actors import Actor

    from .models import CarePlan, CarePlanVersion, GoalAssignment  # noqa: F401 (string annotations)


class CarePlanQuerySet(models.QuerySet["CarePlan"]):
    def with_version(self) -> CarePlanQuerySet:
        return self.filter(current_number__gt=0)

    def due_for_review(self, within_days: int = REVIEW_DUE_WITHIN_DAYS) -> CarePlanQuerySet:
        """Plans of living patients whose review date has passed or falls within the window."""
        until = timezone.localdate() + dt.timedelta(days=within_days)
        return self.filter(
            current_number__gt=0,
            review_due_on__isnull=False,
            review_due_on__lte=until,
            patient__date_of_death__isnull=True,
        )


class CarePlanVersionQuerySet(AppendOnlyQuerySet["CarePlanVersion"]):
    """Versions are append-only: bulk updates and deletes are refused (the base's)."""


class GoalAssignmentQuerySet(models.QuerySet["GoalAssignment"]):
    def open(self) -> GoalAssignmentQuerySet:
        return self.filter(status__in=OPEN_GOAL_STATUSES)

    def for_owner(self, actor: Actor) -> GoalAssignmentQuerySet:
        """Goals the actor is responsible for: named (their professional record), or their
        organisation's when the care-team member named no professional (as meeting actions)."""
        condition = models.Q(pk__in=[])
        if actor.membership is not None:
            condition |= models.Q(professional_id=actor.membership.professional_id)
        if actor.organization_id is not None:
            condition |= models.Q(
                professional__isnull=True,
                responsible__isnull=False,
                organization_id=actor.organization_id,
            )
        return self.filter(condition)
