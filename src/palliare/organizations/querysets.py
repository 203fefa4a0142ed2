"""Query sets of the directory."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from .models import Membership, Organization  # noqa: F401 (string annotations)


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def active(self) -> OrganizationQuerySet:
        return self.filter(is_active=True)

    def public(self) -> OrganizationQuerySet:
        return self.filter(is_active=True, is_public=True)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, on: dt.date | None = None) -> MembershipQuerySet:
        """Memberships valid today (or on ``on``)."""
        today = on or timezone.localdate()
        return self.filter(valid_from__lte=today).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today)
        )
