"""Query sets of the directory."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models

from palliare.db.periods import PeriodQuerySet

from .constants import MembershipStatus

if TYPE_CHECKING:
    from .models import Membership, Organization  # noqa: F401 (string annotations)


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def active(self) -> OrganizationQuerySet:
        return self.filter(is_active=True)

    def public(self) -> OrganizationQuerySet:
        return self.filter(is_active=True, is_public=True)


class MembershipQuerySet(PeriodQuerySet["Membership"]):
    def pending(self) -> MembershipQuerySet:
        """Memberships waiting for a second person's approval."""
        return self.filter(status=MembershipStatus.PENDING)

    def current(self, on: dt.date | None = None) -> MembershipQuerySet:
        """Approved memberships valid today (or on ``on``). A membership waiting for a second
        person's approval is not current: it grants nothing and counts nowhere."""
        return super().current(on).filter(status=MembershipStatus.APPROVED)
