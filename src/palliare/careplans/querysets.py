"""Query sets of the care plan. Which patients a user may see is decided in patients.access."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from palliare.db.append_only import AppendOnlyQuerySet

from .constants import REVIEW_DUE_WITHIN_DAYS

if TYPE_CHECKING:
    from .models import CarePlan, CarePlanVersion  # noqa: F401 (string annotations)


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
