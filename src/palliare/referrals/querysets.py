"""Query sets of referrals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from palliare.db.append_only import AppendOnlyQuerySet

if TYPE_CHECKING:
    from .models import ReferralFeedback  # noqa: F401


class ReferralFeedbackQuerySet(AppendOnlyQuerySet["ReferralFeedback"]):
    def latest_per_referral(self) -> ReferralFeedbackQuerySet:
        """The feedback that counts: per referral only the newest row (a later correction is a
        new row). Of rows recorded at the same moment the last one written counts."""
        newest = (
            self.model._default_manager.filter(referral_id=models.OuterRef("referral_id"))
            .order_by("-recorded_at", "-pk")
            .values("pk")[:1]
        )
        return self.filter(pk=models.Subquery(newest))
