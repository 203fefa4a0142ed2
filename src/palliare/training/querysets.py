"""Querysets of training."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from .constants import RegistrationStatus

if TYPE_CHECKING:
    from .models import Registration, Session  # noqa: F401


class SessionQuerySet(models.QuerySet["Session"]):
    def upcoming(self, now: dt.datetime | None = None) -> SessionQuerySet:
        return self.filter(starts_at__gt=now or timezone.now(), cancelled_at__isnull=True)

    def past(self, now: dt.datetime | None = None) -> SessionQuerySet:
        return self.filter(starts_at__lte=now or timezone.now())

    def with_counts(self) -> SessionQuerySet:
        """Annotate ``taken`` (registered), ``waiting`` and ``present``: one query for a list."""
        return self.annotate(
            taken=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
            ),
            waiting=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
            ),
            present=Count(
                "registrations",
                filter=Q(
                    registrations__status=RegistrationStatus.REGISTERED,
                    registrations__attended=True,
                ),
            ),
        )


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def active(self) -> RegistrationQuerySet:
        return self.exclude(status=RegistrationStatus.CANCELLED)

    def registered(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.REGISTERED)

    def waiting(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.WAITING).order_by("queued_at", "pk")

    def present(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.REGISTERED, attended=True)
