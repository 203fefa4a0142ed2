"""Query sets of the rota and of consultation requests."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models

from .constants import OPEN_STATUSES

if TYPE_CHECKING:
    from palliare.accounts.actors import Actor

    from .models import ConsultationRequest, DatedSlot, WeeklySlot  # noqa: F401


class WeeklySlotQuerySet(models.QuerySet["WeeklySlot"]):
    def for_region(self, region_id: int) -> WeeklySlotQuerySet:
        return self.filter(region_id=region_id)

    def valid_between(self, start: dt.date, end: dt.date) -> WeeklySlotQuerySet:
        """Slots whose validity period overlaps [start, end]."""
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=end),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=start),
        )

    def with_people(self) -> WeeklySlotQuerySet:
        return self.select_related("team", "specialist", "subregion", "region")


class DatedSlotQuerySet(models.QuerySet["DatedSlot"]):
    def for_region(self, region_id: int) -> DatedSlotQuerySet:
        return self.filter(region_id=region_id)

    def between(self, start: dt.date, end: dt.date) -> DatedSlotQuerySet:
        return self.filter(date__gte=start, date__lte=end)

    def with_people(self) -> DatedSlotQuerySet:
        return self.select_related("team", "specialist", "subregion", "region")


class ConsultationRequestQuerySet(models.QuerySet["ConsultationRequest"]):
    def open(self) -> ConsultationRequestQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def for_team(self, team_id: int) -> ConsultationRequestQuerySet:
        return self.filter(team_id=team_id)

    def requested_by_user(self, user_id: int) -> ConsultationRequestQuerySet:
        return self.filter(requested_by_id=user_id)

    def visible_to(self, actor: Actor) -> ConsultationRequestQuerySet:
        """Deny by default: the asker's own requests, requests to the team the actor answers
        for (with the permission to answer), and requests about patients the actor may see."""
        from palliare.accounts.permissions import Permission
        from palliare.patients.access import visible_ids

        if actor.user is None or not actor.permissions:
            return self.none()
        condition = models.Q(requested_by_id=actor.user.pk)
        if actor.has(Permission.ANSWER_CONSULTATION) and actor.organization_id is not None:
            condition |= models.Q(team_id=actor.organization_id)
        patient_ids = visible_ids(actor)
        if patient_ids is not None:
            condition |= models.Q(patient_id__isnull=False, patient_id__in=patient_ids)
        return self.filter(condition)

    def with_related(self) -> ConsultationRequestQuerySet:
        return self.select_related(
            "team",
            "subregion",
            "requested_by",
            "requesting_organization",
            "on_duty_specialist",
        )
