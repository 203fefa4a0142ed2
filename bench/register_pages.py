"""Benchmark: the palliative register, the signal inbox and the patient page with a large
synthetic population. Prints median and p99 response times (in-process Django client, so the
figures include view, queries and template rendering, not the HTTP server).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/palliare_synth \
        .venv/bin/python bench/register_pages.py [--generate 100000] [--rounds 200]

Needs reference data and a configured region (`manage.py import_reference_data`,
`manage.py load_demo` in demo mode) and synthetic patients (`--generate N` creates them).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
# Test-like settings (no debug toolbar work, plain static storage), the database from
# DATABASE_URL; the in-process client uses the host name "testserver".
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palliare.conf.ci")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from conftest import login_verified  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from palliare.accounts.models import Role, User  # noqa: E402
from palliare.organizations.models import Membership, Organization, Professional  # noqa: E402
from palliare.patients.models import Patient  # noqa: E402


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def bench_user(practice: Organization) -> User:
    user, _ = User.objects.get_or_create(username="bench-gp")
    professional, _ = Professional.objects.get_or_create(
        user=user,
        defaults={
            "family_name": "Bench",
            "discipline": "general_practitioner",
            "big_number": "99999999999",
        },
    )
    Membership.objects.filter(professional=professional).delete()
    Membership.objects.create(
        professional=professional, organization=practice, role=Role.objects.get(code="gp")
    )
    return user


def measure(client: Client, url: str, rounds: int) -> tuple[float, float, int]:
    client.get(url)  # warm-up
    times = []
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    queries = len(ctx.captured_queries)
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), percentile(times, 99), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generate", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    if args.generate:
        from palliare.patients.synthetic import generate

        started = time.monotonic()
        generate(args.generate, seed=args.seed)
        print(f"generated {args.generate} patients in {time.monotonic() - started:.1f} s")
    total = Patient.objects.count()
    practice = (
        Organization.objects.filter(type="gp_practice")
        .annotate(n=Count("patients"))
        .order_by("-n")
        .first()
    )
    assert practice is not None and total, "no patients: run with --generate N"
    client = login_verified(Client(), bench_user(practice))
    patient = Patient.objects.filter(gp_practice=practice).marked().order_by("pk").first()
    print(
        f"database: {connection.vendor}; patients: {total}; practice {practice.name!r} with "
        f"{practice.n} patients; {args.rounds} rounds per page"
    )  # type: ignore[attr-defined]
    pages = {
        "register (palliative)": reverse("patients:register"),
        "register search (name)": reverse("patients:register") + "?q=Bakker",
        "register (all living)": reverse("patients:register") + "?view=all",
        "signal inbox": reverse("patients:signal_inbox"),
        "patient page": reverse("patients:detail", args=[patient.pk]),
        "patient timeline": reverse("patients:timeline", args=[patient.pk]),
        "my work": reverse("ui:home"),
    }
    print(f"{'page':<26}{'median ms':>10}{'p99 ms':>10}{'queries':>9}")
    for name, url in pages.items():
        median, p99, queries = measure(client, url, args.rounds)
        print(f"{name:<26}{median:>10.1f}{p99:>10.1f}{queries:>9}")


if __name__ == "__main__":
    main()
