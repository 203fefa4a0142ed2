"""Care plans due for review reach the PaTz/MDO agenda of the patient's core team (the
careplans app feeds the meetings agenda section "plan_review")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from palliare.careplans.factories import CarePlanFactory
from palliare.meetings import services
from palliare.meetings.models import AgendaItem
from palliare.meetings.tests.conftest import at, world  # noqa: F401 (fixture)
from palliare.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_plan_due_for_review_is_on_the_agenda(world):  # noqa: F811
    due = CarePlanFactory(
        patient=PatientFactory(
            gp_practice=world.practice,
            marked=True,
            marked_since=timezone.localdate() - dt.timedelta(days=400),
        ),
        review_due_on=timezone.localdate() - dt.timedelta(days=2),
    )
    later = CarePlanFactory(
        patient=PatientFactory(gp_practice=world.practice),
        review_due_on=timezone.localdate() + dt.timedelta(days=200),
    )
    meeting = services.plan_meeting(world.coordinator, world.team, starts_at=at(7))
    services.prepare_agenda(world.coordinator, meeting)
    sections = {i.patient_id: i.section for i in AgendaItem.objects.filter(meeting=meeting)}
    assert sections.get(due.patient_id) == "plan_review"
    assert later.patient_id not in sections
