"""Benchmark: preparing a PaTz agenda from a large register, and opening the agenda page.

    .venv/bin/python bench/meetings_agenda.py [--patients 20000] [--runs 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/palliare_bench .venv/bin/python bench/...

Creates a throw-away test database (``test_<name>``), ``--patients`` patients spread over
``--practices`` GP practices (a share marked, coloured, with open signals or deceased; the
core team is the first practice's), and prints the
median and p99 time of ``prepare_agenda`` and of the meeting page (GET, coordinator), plus the
number of SQL queries of the page. Figures, never assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palliare.conf.ci")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--practices", type=int, default=40)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import (
        CaptureQueriesContext,
        setup_databases,
        setup_test_environment,
        teardown_databases,
    )
    from django.utils import timezone

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from conftest import login_verified
        from django.test import Client

        from palliare.accounts.actors import actor_for
        from palliare.accounts.factories import role
        from palliare.meetings import services
        from palliare.meetings.factories import CoreTeamFactory
        from palliare.organizations.constants import OrganizationType
        from palliare.organizations.factories import MembershipFactory, OrganizationFactory
        from palliare.patients.models import Patient, Signal
        from palliare.patients.validators import make_bsn

        rng = random.Random(7)
        practices = [
            OrganizationFactory(type=OrganizationType.GP_PRACTICE) for _ in range(args.practices)
        ]
        practice = practices[0]
        membership = MembershipFactory(organization=practice, role=role("core_team_coordinator"))
        actor = actor_for(membership.professional.user, membership.pk)
        team = CoreTeamFactory(practice=practice, coordinator=membership.professional)
        today = timezone.localdate()
        started = time.perf_counter()
        patients = []
        for n in range(args.patients):
            marked = rng.random() < 0.05
            died = rng.random() < 0.01
            patients.append(
                Patient(
                    bsn=make_bsn(30_000_000 + n * 7),
                    given_name="Bench",
                    family_name=f"Patiënt {n:06d}",
                    date_of_birth=dt.date(1940, 1, 1) + dt.timedelta(days=n % 9000),
                    gp_practice=practices[n % len(practices)],
                    marked_since=today - dt.timedelta(days=rng.randint(0, 400)) if marked else None,
                    urgency=rng.choice(["red", "orange", "green", ""]) if marked else "",
                    date_of_death=today - dt.timedelta(days=rng.randint(0, 60)) if died else None,
                )
            )
        Patient.objects.bulk_create(patients, batch_size=2000)
        all_ids = list(Patient.objects.values_list("pk", flat=True))
        ids = rng.sample(all_ids, len(all_ids) // 50)  # 2% with an open signal
        Signal.objects.bulk_create(
            Signal(
                patient_id=pk,
                recipient_id=gp_practice_id,
                dimension="physical",
                observation="bench",
                suggestion="consider_marking",
                sender=membership.professional.user,
                sender_name="bench",
                sender_organization_id=gp_practice_id,
            )
            for pk, gp_practice_id in Patient.objects.filter(pk__in=ids).values_list(
                "pk", "gp_practice_id"
            )
        )
        print(
            f"{args.patients} patients in {args.practices} practices loaded in "
            f"{time.perf_counter() - started:.1f} s ({connection.vendor})"
        )

        meeting = services.plan_meeting(
            actor, team, starts_at=timezone.now() + dt.timedelta(days=3)
        )
        prepare = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            items = services.prepare_agenda(actor, meeting)
            prepare.append(time.perf_counter() - t0)
        client = login_verified(Client(), membership.professional.user)
        page = []
        url = f"/meetings/{meeting.pk}/"
        for _ in range(args.runs):
            t0 = time.perf_counter()
            response = client.get(url)
            page.append(time.perf_counter() - t0)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        from collections import Counter

        sections = Counter(i.section for i in items)
        print(f"agenda: {len(items)} patients on it {dict(sections)}")
        for label, values in (("prepare_agenda", prepare), ("meeting page", page)):
            print(
                f"{label:15s} median {statistics.median(values) * 1000:7.1f} ms   "
                f"p99 {percentile(values, 99) * 1000:7.1f} ms   (n={len(values)})"
            )
        print(f"meeting page queries: {len(ctx.captured_queries)}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
