"""The programme overview page runs the same number of queries whatever the data size (issue 16);
milestone_statuses and the annual-report assembly are bounded in test_plan and test_reports."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from palliare.organizations.constants import OrganizationType
from palliare.programme.constants import MeetingStatus, Phase
from palliare.programme.factories import (
    BodyFactory,
    DecisionFactory,
    DeliverableFactory,
    MemberOrganizationFactory,
    MilestoneKpiFactory,
)
from palliare.programme.models import AgendaTopic, BodyMeeting, ProgrammeAction

from .conftest import days


def _grow(world, n: int) -> None:
    """Add ``n`` of everything the overview shows or counts: bodies with past and coming
    meetings (topics, open actions), submitted, late and adopted deliverables, members."""
    for i in range(n):
        body = BodyFactory(code=f"wg-{n}-{i}", name=f"Werkgroep {i}")
        for offset in (-30, 10):
            meeting = BodyMeeting.objects.create(
                body=body,
                starts_at=timezone.now() + dt.timedelta(days=offset),
                status=MeetingStatus.HELD if offset < 0 else MeetingStatus.PLANNED,
            )
            AgendaTopic.objects.create(meeting=meeting, position=1, title="Onderwerp")
            ProgrammeAction.objects.create(
                meeting=meeting,
                description="Actie",
                owner=world.team.membership.professional,
                due_on=days(offset + 14),
            )
        DeliverableFactory(phase=Phase.FRAMEWORKS, submitted=True)
        DeliverableFactory(phase=Phase.WORKBOOK, due_on=days(-5), starts_on=days(-60))
        DeliverableFactory(
            phase=Phase.FRAMEWORKS, adopted=True, decision=DecisionFactory(body=body)
        )
        MemberOrganizationFactory(organization__type=OrganizationType.HOSPICE)


def test_overview_page_queries_do_not_grow(world, client_for):
    MilestoneKpiFactory(number=7, phase=Phase.FRAMEWORKS)
    MilestoneKpiFactory(number=3, phase=Phase.WORKBOOK, due_on=dt.date(2025, 6, 30))
    client = client_for(world.coordinator)
    url = reverse("programme:home")
    _grow(world, 1)
    assert client.get(url).status_code == 200  # warm-up: sessions, caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(world, 12)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    # The larger world really is on the page: more to decide than the list shows.
    assert response.context["needs"].to_decide_count == 13
    assert len(small) == len(large)
