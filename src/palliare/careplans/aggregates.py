"""Conditions over care plans for monitoring (issue 15): used as filters inside the register's
aggregate counts (``patients.aggregates``), never to read a plan."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from palliare.patients import aggregates as register
from palliare.patients.constants import ConsentScope

from .models import CarePlanVersion


def plan_before_death() -> Q:
    """A care-plan version was recorded in Palliare on or before the day of death."""
    versions = CarePlanVersion.objects.filter(
        plan__patient=OuterRef("patient"), created_at__date__lte=OuterRef("date_of_death")
    )
    return Q(Exists(versions))


def plan_present_before_death() -> Q:
    """A care plan existed before death: a version in Palliare, or the death registration says
    a plan existed (one kept outside Palliare)."""
    return plan_before_death() | register.registered_plan()


def plan_shared_with_acute_care() -> Q:
    """A Palliare care-plan version before death and consent to share with out-of-hours and
    acute care in force on the day of death: the plan was readable at 3 a.m."""
    return plan_before_death() & register.consent_for(ConsentScope.ACUTE_CARE)
