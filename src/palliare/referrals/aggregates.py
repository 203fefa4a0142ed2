"""Plan-quality feedback at referral for monitoring (issue 15): counts per period, receiving
organisation's subregion and referring organisation — no patient."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.db.models.functions import Coalesce

from .models import ReferralFeedback


def feedback_counts(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The feedback that counts (newest per referral) recorded in [start, end): per region,
    subregion (of the referring organisation, else the receiving one), referring organisation
    and plan quality, the number of referrals. One query."""
    rows = (
        ReferralFeedback.objects.latest_per_referral()
        .filter(recorded_at__date__gte=start, recorded_at__date__lt=end)
        .annotate(
            region_id=Coalesce(
                "referral__referring_organization__subregion__region_id",
                "referral__receiving_organization__subregion__region_id",
            ),
            subregion_id=Coalesce(
                "referral__referring_organization__subregion_id",
                "referral__receiving_organization__subregion_id",
            ),
        )
        .values("region_id", "subregion_id", "referral__referring_organization_id", "plan_quality")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return [dict(row) for row in rows]
