"""Query sets of capacity: active facilities, free beds, stale entries, service areas and the
quality status of district-nursing services computed from dates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .constants import STALE_AFTER, AdmissionStatus, IntakeStatus

if TYPE_CHECKING:
    from palliare.accounts.actors import Actor
    from palliare.organizations.models import PostcodeArea

    from .models import DistrictNursingService, Facility  # noqa: F401 (string annotations)


class FacilityQuerySet(models.QuerySet["Facility"]):
    def active(self) -> FacilityQuerySet:
        return self.filter(is_active=True, organization__is_active=True)

    def with_current(self) -> FacilityQuerySet:
        """Everything a list or a map needs, in the same query."""
        return self.select_related(
            "current_status", "organization", "location", "location__postcode_area"
        )

    def available(self) -> FacilityQuerySet:
        """Open for admissions with at least one free bed now."""
        return self.filter(
            current_status__admission_status=AdmissionStatus.OPEN,
            current_status__free_beds__gt=0,
        )

    def stale(self, now: dt.datetime | None = None) -> FacilityQuerySet:
        """Never reported, or last reported more than 24 hours ago."""
        cutoff = (now or timezone.now()) - STALE_AFTER
        return self.filter(
            Q(current_status__isnull=True) | Q(current_status__recorded_at__lt=cutoff)
        )

    def managed_by(self, actor: Actor) -> FacilityQuerySet:
        """The facilities whose beds ``actor``'s organisation keeps (its own or its units')."""
        org_id = actor.organization_id
        if org_id is None:
            return self.none()
        return self.filter(Q(organization_id=org_id) | Q(organization__parent_id=org_id))


class DistrictNursingQuerySet(models.QuerySet["DistrictNursingService"]):
    def active(self) -> DistrictNursingQuerySet:
        return self.filter(is_active=True, organization__is_active=True)

    def managed_by(self, actor: Actor) -> DistrictNursingQuerySet:
        org_id = actor.organization_id
        if org_id is None:
            return self.none()
        return self.filter(Q(organization_id=org_id) | Q(organization__parent_id=org_id))

    def serving(self, area: PostcodeArea) -> DistrictNursingQuerySet:
        """Services whose area holds ``area``: by its PC4 or by its whole municipality."""
        through_pc4 = self.model.postcode_areas.through.objects.filter(
            districtnursingservice_id=OuterRef("pk"), postcodearea_id=area.pk
        )
        condition = Q(Exists(through_pc4))
        if area.municipality_id is not None:
            through_municipality = self.model.municipalities.through.objects.filter(
                districtnursingservice_id=OuterRef("pk"), municipality_id=area.municipality_id
            )
            condition |= Q(Exists(through_municipality))
        return self.filter(condition)

    def taking_clients(self) -> DistrictNursingQuerySet:
        """Said yes or "limited" to new palliative clients in their latest statement."""
        return self.filter(
            current_intake__status__in=[IntakeStatus.YES, IntakeStatus.LIMITED],
        )

    def with_quality(self, today: dt.date | None = None) -> DistrictNursingQuerySet:
        """Annotate the latest assessment up to ``today`` (date, validity, number of active
        requirements met) and the number of active requirements."""
        from .models import QualityAssessment, QualityAssessmentItem, QualityRequirement

        day = today or timezone.localdate()
        latest = QualityAssessment.objects.filter(
            service=OuterRef("pk"), assessed_on__lte=day
        ).order_by("-assessed_on", "-pk")
        met = (
            QualityAssessmentItem.objects.filter(
                assessment_id=OuterRef("latest_assessment_id"),
                met=True,
                requirement__is_active=True,
            )
            .order_by()
            .values("assessment_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        active_requirements = (
            QualityRequirement.objects.filter(is_active=True)
            .order_by()
            .annotate(group=models.Value(1))
            .values("group")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            latest_assessment_id=Subquery(latest.values("pk")[:1]),
            latest_assessed_on=Subquery(latest.values("assessed_on")[:1]),
            latest_valid_until=Subquery(latest.values("valid_until")[:1]),
            requirements_met=Coalesce(Subquery(met), 0),
            requirements_active=Coalesce(Subquery(active_requirements), 0),
        )

    def meeting_requirements(self, day: dt.date) -> DistrictNursingQuerySet:
        """Filter a ``with_quality(day)`` queryset to those meeting every active requirement in
        an assessment valid on ``day``."""
        return self.filter(
            Q(latest_valid_until__gte=day),
            Q(requirements_met__gte=models.F("requirements_active")),
        )

    def qualified(self, today: dt.date | None = None) -> DistrictNursingQuerySet:
        """Meeting every active requirement in an assessment that is valid ``today``."""
        day = today or timezone.localdate()
        return self.with_quality(day).meeting_requirements(day)
