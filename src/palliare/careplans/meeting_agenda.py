"""Feeds the meetings agenda section "care plans due for review" (autodiscovered by the
meetings app): living patients of the core team's practices whose plan's review date has passed
or falls before the meeting."""

from __future__ import annotations

from palliare.meetings import agenda

from .models import CarePlan


def plans_due(context: agenda.AgendaContext) -> list[agenda.Candidate]:
    rows = (
        CarePlan.objects.with_version()
        .filter(
            patient__in=context.patients().alive(),
            review_due_on__isnull=False,
            review_due_on__lte=context.until,
        )
        .order_by("review_due_on")
        .values_list("patient_id", "review_due_on")
    )
    return [
        agenda.Candidate(patient_id, {"due_on": day.isoformat()}, day.isoformat())
        for patient_id, day in rows
        if day is not None
    ]


agenda.register_source("plan_review", plans_due)
