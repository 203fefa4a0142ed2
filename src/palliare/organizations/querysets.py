"""Query sets of the directory."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from .constants import MembershipStatus

if TYPE_CHECKING:
    from .models import Membership, Organization  # noqa: F401 (string annotations)


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def active(self) -> OrganizationQuerySet:
        return self.filter(is_active=True)

    def public(self) -> OrganizationQuerySet:
        return self.filter(is_active=True, is_public=True)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def pending(self) -> MembershipQuerySet:
        """Memberships waiting for a second person's approval."""
        return self.filter(status=MembershipStatus.PENDING)

    def current(self, on: dt.date | None = None) -> MembershipQuerySet:
        """Approved memberships valid today (or on ``on``). A membership waiting for a second
        person's approval is not current: it grants nothing and counts nowhere."""
        today = on or timezone.localdate()
        return self.filter(status=MembershipStatus.APPROVED, valid_from__lte=today).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today)
        )
