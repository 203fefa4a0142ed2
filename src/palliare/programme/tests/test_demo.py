"""The demo loader fills the plan of workbook v2.2 with its milestone KPIs and real deadlines,
members with work plans, deliveries and self-evaluations in different states, a steering group
with meetings and numbered decisions and the seeds' bottlenecks — once, however often it runs."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from palliare.organizations import demo as directory_demo
from palliare.organizations.factories import PostcodeAreaFactory
from palliare.programme import demo, services
from palliare.programme.models import (
    ActionLine,
    Bottleneck,
    Decision,
    MemberOrganization,
    MilestoneKpi,
    SelfEvaluation,
)

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent(settings):
    assert "skipped" in demo.load(random.Random(1))
    for spec in directory_demo.ORGANIZATIONS:
        PostcodeAreaFactory(pc4=spec.postcode[:4])
    directory_demo.load(random.Random(1))
    summary = demo.load(random.Random(1))
    assert "members" in summary
    assert ActionLine.objects.filter(code="1.4", title="Acute zorg").exists()
    assert sorted(MilestoneKpi.objects.values_list("number", flat=True)) == [3, 7, 16, 29]
    assert MemberOrganization.objects.count() >= 5
    assert all(
        m.covenant_signed_on is None or m.covenant_signed_on >= m.joined_on
        for m in MemberOrganization.objects.all()
    )
    assert {e.phase for e in SelfEvaluation.objects.all()} >= {"done", "started", "planned"}
    assert Bottleneck.objects.filter(title__icontains="thuiszorg").exists()
    assert Decision.objects.filter(body__code="sg").exists()
    statuses = {s.number: s.status for s in services.milestone_statuses(timezone.localdate())}
    assert statuses[3] == "reached"
    counts = (Decision.objects.count(), MemberOrganization.objects.count())
    assert demo.load(random.Random(1)) == "already loaded"
    assert (Decision.objects.count(), MemberOrganization.objects.count()) == counts
