"""The transformation plan: a due date before the start is refused; versions are append-only
and a stale save raises a conflict that keeps the user's text; a deliverable is adopted only by
a decision of the steering group after submission; the milestone KPIs are computed from the
deliverables (on track / at risk / late / reached) in a fixed number of queries; the
timeline has a table alternative."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palliare.programme import services
from palliare.programme.constants import (
    BodyKind,
    BodyRole,
    DeliverableStatus,
    MilestoneStatus,
    Phase,
)
from palliare.programme.factories import (
    BodyFactory,
    DecisionFactory,
    DeliverableFactory,
    MilestoneKpiFactory,
)
from palliare.programme.milestones import PhaseCounts, status_of
from palliare.programme.models import ActionLine, DeliverableVersion

from .conftest import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(world):
    return services.save_action_line(world.coordinator, code="1.4", title="Acute zorg", position=4)


def _deliverable(world, line, **kwargs):
    values = {
        "action_line": line,
        "phase": Phase.FRAMEWORKS,
        "title": "Kader acute zorg",
        "starts_on": dt.date(2025, 2, 11),
        "due_on": dt.date(2025, 12, 1),
    }
    values.update(kwargs)
    return services.create_deliverable(world.coordinator, **values)


def test_due_before_start_refused(world, line):
    with pytest.raises(ValidationError) as exc:
        _deliverable(world, line, due_on=dt.date(2025, 1, 1))
    assert "due_on" in exc.value.error_dict


def test_per_subregion_phase_needs_a_subregion(world, line):
    services.set_assignment(
        world.coordinator,
        line,
        phase=Phase.WORKING_AGREEMENTS,
        assignment="Per subregio samenwerkingsafspraken",
        per_subregion=True,
    )
    with pytest.raises(ValidationError) as exc:
        _deliverable(world, line, phase=Phase.WORKING_AGREEMENTS)
    assert "subregion" in exc.value.error_dict
    _deliverable(world, line, phase=Phase.WORKING_AGREEMENTS, subregion=world.north)


def test_versions_and_conflict(world, line):
    deliverable = _deliverable(world, line, text="Eerste tekst")
    assert deliverable.current_version == 1
    services.save_deliverable_text(world.team, deliverable, text="Tweede tekst", based_on=1)
    with pytest.raises(services.ConflictError) as exc:
        services.save_deliverable_text(
            world.coordinator, deliverable, text="Mijn tekst", based_on=1
        )
    assert exc.value.current_version == 2
    texts = list(
        DeliverableVersion.objects.filter(deliverable=deliverable)
        .order_by("number")
        .values_list("text", flat=True)
    )
    assert texts == ["Eerste tekst", "Tweede tekst"]  # nothing overwritten


def test_stale_save_keeps_the_text_on_the_page(world, line, client_for):
    deliverable = _deliverable(world, line, text="Eerste tekst")
    services.save_deliverable_text(world.team, deliverable, text="Tweede tekst", based_on=1)
    client = client_for(world.coordinator)
    url = reverse("programme:deliverable", args=[deliverable.pk])
    response = client.post(url, {"text": "Mijn eigen aanvulling", "based_on": "1"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Mijn eigen aanvulling" in html and "Tweede tekst" in html
    assert 'data-testid="conflict"' in html
    tampered = client.post(url, {"text": "x", "based_on": "99"})
    assert tampered.status_code == 400


def test_working_group_member_edits_own_line(world, line):
    group = BodyFactory(code="wg-acuut", name="Werkgroep acute zorg", kind=BodyKind.WORKING_GROUP)
    line.working_group = group
    line.save()
    deliverable = _deliverable(world, line, text="Eerste")
    with pytest.raises(PermissionDenied):
        services.save_deliverable_text(world.contact, deliverable, text="Tweede", based_on=1)
    services.add_body_member(
        world.coordinator,
        group,
        professional=world.contact.membership.professional,
        role=BodyRole.MEMBER,
        started_on=dt.date(2025, 1, 1),
    )
    services.save_deliverable_text(world.contact, deliverable, text="Tweede", based_on=1)


def test_adopted_only_with_a_decision(world, line):
    deliverable = _deliverable(world, line, text="Kader")
    decision = DecisionFactory(body=world.steering_group)
    with pytest.raises(ValidationError):
        services.adopt_deliverable(world.steering, deliverable, decision)  # not submitted
    services.submit_deliverable(world.coordinator, deliverable)
    with pytest.raises(ValidationError) as exc:
        services.adopt_deliverable(world.steering, deliverable, None)
    assert "decision" in exc.value.error_dict
    group = BodyFactory(code="wg", name="Werkgroep", kind=BodyKind.WORKING_GROUP)
    with pytest.raises(ValidationError):
        services.adopt_deliverable(world.steering, deliverable, DecisionFactory(body=group))
    services.adopt_deliverable(world.steering, deliverable, decision)
    deliverable.refresh_from_db()
    assert deliverable.status == DeliverableStatus.ADOPTED
    with pytest.raises(ValidationError):
        services.save_deliverable_text(world.coordinator, deliverable, text="Later", based_on=1)


def test_adopt_page_without_decision_says_so(world, line, client_for):
    deliverable = _deliverable(world, line, text="Kader")
    services.submit_deliverable(world.coordinator, deliverable)
    client = client_for(world.steering)
    response = client.post(
        reverse("programme:deliverable_adopt", args=[deliverable.pk]), {"decision": ""}, follow=True
    )
    deliverable.refresh_from_db()
    assert deliverable.status == DeliverableStatus.SUBMITTED
    assert response.status_code == 200
    assert (
        client_for(world.contact)
        .post(reverse("programme:deliverable_adopt", args=[deliverable.pk]))
        .status_code
        == 403
    )


@pytest.mark.parametrize(
    ("counts", "on", "expected"),
    [
        (PhaseCounts(total=2, adopted=2), dt.date(2026, 1, 1), MilestoneStatus.REACHED),
        (PhaseCounts(total=2, adopted=1), dt.date(2026, 1, 1), MilestoneStatus.LATE),
        (
            PhaseCounts(total=2, submitted=1, latest_due=dt.date(2025, 12, 1)),
            dt.date(2025, 11, 1),
            MilestoneStatus.AT_RISK,
        ),
        (
            PhaseCounts(total=2, submitted=2, latest_due=dt.date(2025, 12, 1)),
            dt.date(2025, 11, 1),
            MilestoneStatus.ON_TRACK,
        ),
        (
            PhaseCounts(total=2, latest_due=dt.date(2025, 12, 1)),
            dt.date(2025, 3, 1),
            MilestoneStatus.ON_TRACK,
        ),
        (
            PhaseCounts(total=2, overdue=1, latest_due=dt.date(2025, 12, 1)),
            dt.date(2025, 3, 1),
            MilestoneStatus.AT_RISK,
        ),
        (
            PhaseCounts(total=2, latest_due=dt.date(2026, 3, 1)),
            dt.date(2025, 3, 1),
            MilestoneStatus.AT_RISK,
        ),
        (PhaseCounts(), dt.date(2025, 3, 1), MilestoneStatus.AT_RISK),
    ],
)
def test_status_rule(counts, on, expected):
    assert status_of(dt.date(2025, 12, 31), counts, on) == expected


def test_kpi7_reached_when_all_frameworks_adopted(world, line):
    MilestoneKpiFactory(number=7, phase=Phase.FRAMEWORKS, due_on=days(200))
    a = _deliverable(world, line, text="A", starts_on=days(-100), due_on=days(150))
    b = _deliverable(world, line, text="B", starts_on=days(-100), due_on=days(150))
    state = services.milestone_statuses(days(0))[0]
    assert (state.number, state.status, state.total, state.adopted) == (
        7,
        MilestoneStatus.ON_TRACK,
        2,
        0,
    )
    for d in (a, b):
        services.submit_deliverable(world.coordinator, d)
    services.record_decision(
        world.steering, world.steering_group, decided_on=days(0), title="Kader A", adopts=[a]
    )
    assert services.milestone_statuses(days(0))[0].status != MilestoneStatus.REACHED
    services.record_decision(
        world.steering, world.steering_group, decided_on=days(0), title="Kader B", adopts=[b]
    )
    state = services.milestone_statuses(days(0))[0]
    assert state.status == MilestoneStatus.REACHED and state.reached_on == days(0)
    # Asked about yesterday, it was not reached yet.
    assert services.milestone_statuses(days(-1))[0].status != MilestoneStatus.REACHED


def test_milestone_queries_do_not_grow(world):
    MilestoneKpiFactory(number=7, phase=Phase.FRAMEWORKS)
    MilestoneKpiFactory(number=16, phase=Phase.WORKING_AGREEMENTS, due_on=dt.date(2026, 6, 30))
    DeliverableFactory(phase=Phase.WORKBOOK)
    with CaptureQueriesContext(connection) as small:
        services.milestone_statuses(dt.date(2025, 6, 1))
    for _ in range(20):
        DeliverableFactory(phase=Phase.WORKBOOK, adopted=True)
    with CaptureQueriesContext(connection) as large:
        services.milestone_statuses(dt.date(2025, 6, 1))
    assert len(small) == len(large) == 2


def test_plan_pages(world, line, client_for):
    MilestoneKpiFactory()
    deliverable = _deliverable(world, line, text="Kader")
    for actor in (world.coordinator, world.steering, world.contact):
        client = client_for(actor)
        for url in [
            reverse("programme:home"),
            reverse("programme:plan"),
            reverse("programme:timeline"),
            reverse("programme:action_line", args=[line.pk]),
            reverse("programme:deliverable", args=[deliverable.pk]),
        ]:
            assert client.get(url).status_code == 200, (url, actor.role_code)
    html = client_for(world.steering).get(reverse("programme:timeline")).content.decode()
    assert "<table" in html and 'data-chart="spec-timeline"' in html and "KPI 7" in html
    coordinator = client_for(world.coordinator)
    response = coordinator.post(
        reverse("programme:deliverable_add", args=[line.pk]),
        {
            "phase": "implementation",
            "title": "Uitrol",
            "starts_on": "2026-07-01",
            "due_on": "2026-01-01",
        },
    )
    assert response.status_code == 400
    response = coordinator.post(
        reverse("programme:deliverable_add", args=[line.pk]),
        {
            "phase": "working_agreements",
            "title": "Werkafspraken",
            "each_subregion": "on",
            "starts_on": "2026-01-01",
            "due_on": "2026-06-30",
        },
    )
    assert response.status_code == 302
    from palliare.organizations.models import Subregion

    assert line.deliverables.filter(phase="working_agreements").count() == Subregion.objects.count()
    assert client_for(world.gp).get(reverse("programme:plan")).status_code == 403
    assert ActionLine.objects.count() == 1


def test_monitoring_reads_the_milestone_from_adopted_deliverables(world, line):
    """The milestone KPI source gives the share adopted by the period's last day."""
    from palliare.monitoring.constants import PeriodType
    from palliare.monitoring.periods import Period
    from palliare.programme.kpi_source import milestone_figures

    a = _deliverable(world, line, text="A", starts_on=days(-100), due_on=days(150))
    _deliverable(world, line, text="B", starts_on=days(-100), due_on=days(150))
    services.submit_deliverable(world.coordinator, a)
    services.record_decision(
        world.steering, world.steering_group, decided_on=days(0), title="Kader A", adopts=[a]
    )
    today = days(0)
    current = Period(start=dt.date(today.year, 1, 1), type=PeriodType.YEAR)
    [figure] = milestone_figures(Phase.FRAMEWORKS, current)
    assert (figure.numerator, figure.denominator, figure.value) == (1, 2, 50)
    before = Period(start=dt.date(today.year - 1, 1, 1), type=PeriodType.YEAR)
    [earlier] = milestone_figures(Phase.FRAMEWORKS, before)
    assert earlier.numerator == 0


def test_timeline_marks_today_and_leaves_room_for_the_last_deadline(world, line):
    import json

    from django.utils import translation

    from palliare.programme import timeline

    kpi = MilestoneKpiFactory()
    _deliverable(world, line, text="Kader")
    with translation.override("nl"):
        built = timeline.build(today=dt.date(2026, 12, 8))
    spec = json.dumps(built.spec)
    assert '"on": "2026-12-08"' in spec and "Vandaag" in spec
    # The x scale runs past the last deadline, so its name ("KPI …") is not cut off.
    domains = [
        layer["encoding"]["x"]["scale"]["domain"]
        for layer in built.spec["layer"]
        if "scale" in layer.get("encoding", {}).get("x", {})
    ]
    assert domains and dt.date.fromisoformat(domains[0][1]) > kpi.due_on
