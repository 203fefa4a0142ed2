"""Benchmark: the programme at national scale — overview page, milestone KPIs, annual report.

    .venv/bin/python bench/programme.py [--scale 1.0] [--runs 10]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/palliare_bench .venv/bin/python bench/...

Creates a throw-away test database (``test_<name>``) and fills it, with bulk_create, in two
steps: first to ``--scale / 10`` and then to ``--scale`` of a national-scale network structure
(65 networks' worth): 3,000 member organisations, 400 deliverables over the five phases (half
adopted by a decision, some submitted, some late), 20 bodies meeting 6 times a year for 10 years
(4 agenda topics, 3 decisions and 2 actions per meeting). At each step it prints the median and
p99 time and the SQL query count of (a) the programme overview page (GET ``/programme/`` as a
network coordinator with a verified session), (b) ``milestone_statuses(today)`` and (c) the
annual-report assembly for last year (``annual_report.assemble``), and finally whether each
query count was the same at both sizes. Figures, never assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palliare.conf.ci")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

#: Full scale (``--scale 1.0``).
MEMBERS = 3_000
DELIVERABLES = 400
BODIES = 20
YEARS = 10
MEETINGS_PER_YEAR = 6
TOPICS, DECISIONS, ACTIONS = 4, 3, 2


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def populate(lo: float, hi: float, *, rng: random.Random, owner: Any, subregions: list[Any]) -> str:
    """Add the data between scale ``lo`` and ``hi`` (so two calls build on each other)."""
    from django.utils import timezone

    from palliare.organizations.constants import OrganizationType
    from palliare.organizations.models import Organization
    from palliare.programme.constants import (
        BodyKind,
        DeliverableStatus,
        MeetingStatus,
        Phase,
    )
    from palliare.programme.models import (
        AgendaTopic,
        Body,
        BodyMeeting,
        Decision,
        Deliverable,
        MemberOrganization,
        ProgrammeAction,
    )

    def span(total: int) -> range:
        def size(scale: float) -> int:
            return max(1, round(total * scale)) if scale > 0 else 0

        return range(size(lo), size(hi))

    today = timezone.localdate()
    now = timezone.now()
    first_year = today.year - YEARS + 1
    types = [
        OrganizationType.HOSPICE,
        OrganizationType.DISTRICT_NURSING,
        OrganizationType.GP_PRACTICE,
        OrganizationType.PHARMACY,
    ]
    members = span(MEMBERS)
    orgs = Organization.objects.bulk_create(
        [
            Organization(
                name=f"Lid {n:05d}",
                type=types[n % len(types)],
                agb_code=f"{20_000_000 + n}",
                subregion=subregions[n % len(subregions)],
            )
            for n in members
        ],
        batch_size=1000,
    )
    MemberOrganization.objects.bulk_create(
        [
            MemberOrganization(
                organization=org,
                joined_on=dt.date(first_year, 1, 1) + dt.timedelta(days=rng.randint(0, 3000)),
                covenant_signed_on=dt.date(first_year, 3, 1),
                contribution=rng.choice([0, 250, 500, 1000]),
            )
            for org in orgs
        ],
        batch_size=1000,
    )

    kinds = list(BodyKind)
    bodies = Body.objects.bulk_create(
        [
            Body(kind=kinds[n % len(kinds)], name=f"Gremium {n:02d}", code=f"bench-{n}")
            for n in span(BODIES)
        ]
    )
    meetings = []
    for body in bodies:
        for year in range(first_year, first_year + YEARS):
            for k in range(MEETINGS_PER_YEAR):
                starts = dt.datetime(year, 1 + 2 * k, 10, 14, 0, tzinfo=dt.UTC) + dt.timedelta(
                    days=rng.randint(0, 40)
                )
                meetings.append(
                    BodyMeeting(
                        body=body,
                        starts_at=starts,
                        status=MeetingStatus.HELD if starts < now else MeetingStatus.PLANNED,
                        location="Vergaderzaal",
                    )
                )
    meetings = BodyMeeting.objects.bulk_create(meetings, batch_size=1000)
    AgendaTopic.objects.bulk_create(
        [
            AgendaTopic(meeting=m, position=p, title=f"Onderwerp {p}")
            for m in meetings
            for p in range(1, TOPICS + 1)
        ],
        batch_size=2000,
    )
    numbers: dict[tuple[int, int], int] = {}
    decisions = []
    for m in meetings:
        if m.status != MeetingStatus.HELD:
            continue
        key = (m.body_id, m.starts_at.year)
        for _ in range(DECISIONS):
            numbers[key] = numbers.get(key, 0) + 1
            decisions.append(
                Decision(
                    body_id=m.body_id,
                    meeting=m,
                    year=m.starts_at.year,
                    number=numbers[key],
                    decided_on=m.starts_at.date(),
                    title=f"Besluit {numbers[key]}",
                    recorded_by_name="Bench",
                )
            )
    decisions = Decision.objects.bulk_create(decisions, batch_size=2000)
    ProgrammeAction.objects.bulk_create(
        [
            ProgrammeAction(
                meeting=m,
                description=f"Actie {a}",
                owner=owner,
                due_on=m.starts_at.date() + dt.timedelta(days=60),
                # Almost all old actions done; the recent ones open.
                done_on=None
                if m.starts_at.date() > today - dt.timedelta(days=90) or rng.random() < 0.02
                else m.starts_at.date() + dt.timedelta(days=30),
            )
            for m in meetings
            for a in range(ACTIONS)
        ],
        batch_size=2000,
    )

    phases = list(Phase)
    deliverables = []
    for n in span(DELIVERABLES):
        starts = dt.date(first_year, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * YEARS - 200))
        due = starts + dt.timedelta(days=rng.randint(30, 400))
        roll = rng.random()
        d = Deliverable(
            phase=phases[n % len(phases)],
            subregion=subregions[n % len(subregions)] if n % 3 == 0 else None,
            title=f"Product {n:04d}",
            starts_on=starts,
            due_on=due,
        )
        if roll < 0.5 and decisions:
            d.status = DeliverableStatus.ADOPTED
            d.current_version = 1
            d.decision = rng.choice(decisions)
            d.submitted_on = d.decision.decided_on - dt.timedelta(days=14)
        elif roll < 0.65:
            d.status = DeliverableStatus.SUBMITTED
            d.current_version = 1
            d.submitted_on = min(today, due)
        deliverables.append(d)
    Deliverable.objects.bulk_create(deliverables, batch_size=1000)
    return (
        f"{Organization.objects.count()} organisations, "
        f"{MemberOrganization.objects.count()} members, {Body.objects.count()} bodies, "
        f"{BodyMeeting.objects.count()} meetings, {AgendaTopic.objects.count()} topics, "
        f"{Decision.objects.count()} decisions, {ProgrammeAction.objects.count()} actions, "
        f"{Deliverable.objects.count()} deliverables"
    )


def measure(runs: int, operation: Callable[[], object]) -> tuple[list[float], int]:
    """Time ``operation`` ``runs`` times after one warm-up; count the queries of one more call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    operation()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        operation()
        times.append(time.perf_counter() - t0)
    with CaptureQueriesContext(connection) as ctx:
        operation()
    return times, len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="the larger size (1.0 = national)")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from django.utils import timezone

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from conftest import login_verified
        from django.test import Client

        from palliare.accounts.factories import role
        from palliare.accounts.permissions import RoleCode
        from palliare.organizations.constants import OrganizationType
        from palliare.organizations.factories import (
            MembershipFactory,
            OrganizationFactory,
            SubregionFactory,
        )
        from palliare.programme import annual_report, services
        from palliare.programme.constants import Phase
        from palliare.programme.models import AnnualReport, MilestoneKpi

        rng = random.Random(16)
        office = OrganizationFactory(type=OrganizationType.NETWORK_OFFICE, name="Netwerkbureau")
        membership = MembershipFactory(organization=office, role=role(RoleCode.NETWORK_COORDINATOR))
        subregions = [SubregionFactory(code=f"bench{n}", name=f"Subregio {n}") for n in range(4)]
        today = timezone.localdate()
        MilestoneKpi.objects.bulk_create(
            MilestoneKpi(
                number=n, title=f"Mijlpaal {n}", phase=p, due_on=dt.date(today.year, 12, 31)
            )
            for n, p in enumerate(Phase, start=1)
        )
        client = login_verified(Client(), membership.professional.user)
        last_year = today.year - 1

        def page() -> None:
            response = client.get("/programme/")
            assert response.status_code == 200, response.status_code

        operations: list[tuple[str, Callable[[], object]]] = [
            ("overview page", page),
            ("milestone_statuses", lambda: services.milestone_statuses(today)),
            (
                f"annual report {last_year}",
                lambda: annual_report.assemble(AnnualReport(year=last_year)),
            ),
        ]
        counts: dict[str, list[int]] = {label: [] for label, _ in operations}
        previous = 0.0
        for scale in (args.scale / 10, args.scale):
            started = time.perf_counter()
            sizes = populate(
                previous, scale, rng=rng, owner=membership.professional, subregions=subregions
            )
            previous = scale
            print(
                f"\nscale {scale:g}: {sizes} — loaded in {time.perf_counter() - started:.1f} s "
                f"({connection.vendor})"
            )
            for label, operation in operations:
                times, queries = measure(args.runs, operation)
                counts[label].append(queries)
                print(
                    f"  {label:22s} median {statistics.median(times) * 1000:8.1f} ms   "
                    f"p99 {percentile(times, 99) * 1000:8.1f} ms   queries {queries:3d}   "
                    f"(n={len(times)})"
                )
        print()
        for label, (small, large) in counts.items():
            verdict = "equal" if small == large else "DIFFERENT"
            print(f"{label:24s} queries {small} vs {large}: {verdict} at both scales")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
