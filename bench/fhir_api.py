"""Benchmark of the FHIR API on PostgreSQL with a large synthetic register, through gunicorn.

Prints requests/s, p50 and p99 latency at concurrency 1, 8 and 32 for

- ``GET /fhir/Patient/{id}``                                  (read, one patient)
- ``GET /fhir/Patient?identifier=<bsn system>|<bsn>``          (search by BSN)
- ``GET /fhir/Consent?patient=…&scope=…|treatment&category=…|129125009&_include=Consent:actor``
  (the IG's query 2; needs the care plan app: the script bulk-creates plans once)

from a bounded asyncio HTTP/1.1 client (keep-alive connections, one per concurrent user) on
loopback. Every request is a real API call: bearer token check, the access policy and the
NEN 7513 access-log write (hash chain) included.

    createdb -h 127.0.0.1 -U postgres palliare_fhir_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/palliare_fhir_bench
    DEMO_MODE=true .venv/bin/python manage.py migrate
    DEMO_MODE=true .venv/bin/python manage.py import_reference_data
    DEMO_MODE=true .venv/bin/python manage.py load_demo
    DEMO_MODE=true .venv/bin/python manage.py generate_synthetic --patients 100000 --seed 7
    .venv/bin/python bench/fhir_api.py [--requests 2000] [--seconds 30] [--workers 3 --threads 4]

The client is bounded: per scenario and concurrency it stops after ``--requests`` requests or
``--seconds`` seconds, whichever comes first, and it only talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palliare.conf.ci")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from palliare.fhir.auth import create_api_client, issue_token  # noqa: E402
from palliare.fhir.models import AccessToken, ApiClient  # noqa: E402
from palliare.organizations.models import Organization  # noqa: E402
from palliare.patients.models import Patient  # noqa: E402

BSN = "http://fhir.nl/fhir/NamingSystem/bsn"
HOST = "127.0.0.1"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# --- data ------------------------------------------------------------------------------------


def bench_client() -> tuple[str, Organization]:
    """A read-only client of the GP practice with the most patients, and a long-lived token."""
    practice = (
        Organization.objects.filter(type="gp_practice")
        .annotate(n=Count("patients"))
        .order_by("-n")
        .first()
    )
    assert practice is not None, "no GP practice: run load_demo and generate_synthetic first"
    client = ApiClient.objects.filter(name="bench-fhir", organization=practice).first()
    if client is None:
        client, secret = create_api_client("bench-fhir", practice, "system/*.read")
    else:
        from django.contrib.auth.hashers import make_password

        secret = "bench-secret"  # noqa: S105 (a local benchmark database)
        ApiClient.objects.filter(pk=client.pk).update(secret_hash=make_password(secret))
    token, row = issue_token(client.client_id, secret, "")
    AccessToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() + dt.timedelta(hours=2))
    return token, practice


def ensure_plans(practice: Organization) -> int:
    """Give every patient without a plan one care-plan version (bulk, once)."""
    if not apps.is_installed("palliare.careplans"):
        return 0
    from palliare.accounts.models import User
    from palliare.careplans import content as plan_content
    from palliare.careplans.models import CarePlan, CarePlanVersion

    missing = Patient.objects.filter(care_plan__isnull=True).values_list("pk", flat=True)
    ids = list(missing)
    if not ids:
        return CarePlan.objects.count()
    author, _ = User.objects.get_or_create(
        username="bench-plan-author", defaults={"is_active": False}
    )
    template = plan_content.empty()
    for row in template["treatment_limits"]:
        row["decision"] = "UNK"
    template["treatment_limits"][0].update(decision="2", note="Geen reanimatie (bench).")
    template["treatment_limits"][3].update(decision="0")
    template["conversations"] = [
        {
            "date": "2026-01-15",
            "held_by": "Bench Huisarts",
            "function": "01.015",
            "patient_present": True,
            "participants": "",
        }
    ]
    template["wishes"].update(place_of_death="264362003", care_wishes="Thuis blijven.")
    template["goal"]["code"] = "713148004"
    now = timezone.now()
    created = 0
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        plans = CarePlan.objects.bulk_create(
            [
                CarePlan(
                    patient_id=pk,
                    identifier=f"IZP-B{pk:07d}",
                    current_number=1,
                    created_at=now,
                    updated_at=now,
                )
                for pk in chunk
            ]
        )
        versions = CarePlanVersion.objects.bulk_create(
            [
                CarePlanVersion(
                    plan=plan,
                    number=1,
                    content=template,
                    changed_fields=[],
                    note="bench",
                    resuscitation="2",
                    preferred_place_of_death="264362003",
                    author=author,
                    author_name="Bench",
                    created_at=now,
                )
                for plan in plans
            ]
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE careplans_careplan SET current_version_id = %s WHERE id = %s",
                [(v.pk, p.pk) for v, p in zip(versions, plans, strict=True)],
            )
        created += len(plans)
        print(f"  plans: {created}/{len(ids)}", file=sys.stderr)
    return CarePlan.objects.count()


# --- server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    """gunicorn with production settings over plain HTTP (bench/bench_settings.py)."""
    env = dict(os.environ) | {"DJANGO_SETTINGS_MODULE": "bench_settings", "DB_CONN_MAX_AGE": "600"}
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--chdir",
        str(ROOT / "src"),
        "--pythonpath",
        str(ROOT / "bench"),
        "palliare.wsgi",
        "-b",
        f"{HOST}:{port}",
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


# --- client ----------------------------------------------------------------------------------


async def _request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, token: str
) -> int:
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n"
        f"Accept: application/fhir+json\r\nConnection: keep-alive\r\n\r\n".encode()
    )
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    chunked = False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(length)
    return status


async def run_load(
    port: int, token: str, paths: list[str], concurrency: int, total: int, seconds: float
) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    issued = 0
    deadline = time.monotonic() + seconds

    async def user() -> None:
        nonlocal errors, issued
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            while issued < total and time.monotonic() < deadline:
                path = paths[issued % len(paths)]
                issued += 1
                start = time.perf_counter()
                try:
                    status = await _request(reader, writer, path, token)
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                    continue
                latencies.append((time.perf_counter() - start) * 1000)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def in_process(token: str, paths: list[str], n: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds per request through Django's test client in this
    process (no HTTP server, no concurrency): what one request costs the application."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    walls, cpus = [], []
    for i in range(n):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(paths[i % len(paths)], HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, response.content[:300]
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return percentile(walls, 50), percentile(cpus, 50)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per scenario and level")
    parser.add_argument("--seconds", type=float, default=30.0, help="cap per scenario and level")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--levels", default="1,8,32")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"

    token, practice = bench_client()
    plans = ensure_plans(practice)
    total_patients = Patient.objects.count()
    rng = random.Random(7)
    visible = list(Patient.objects.filter(gp_practice=practice).values_list("pk", "bsn")[:5000])
    rng.shuffle(visible)
    scenarios = {
        "GET Patient/{id}": [f"/fhir/Patient/{pk}" for pk, _ in visible],
        "GET Patient?identifier=": [
            f"/fhir/Patient?identifier={quote(BSN + '|' + bsn, safe='')}" for _, bsn in visible
        ],
    }
    if plans:
        scenarios["GET Consent?…&_include=Consent:actor"] = [
            f"/fhir/Consent?patient=Patient/{pk}"
            "&scope=http://terminology.hl7.org/CodeSystem/consentscope%7Ctreatment"
            "&category=http://snomed.info/sct%7C129125009&_include=Consent:actor"
            for pk, _ in visible
        ]
    print("in-process (Django test client, one request at a time): median wall / CPU ms")
    for name, paths in scenarios.items():
        in_process(token, paths, 20)
        wall, cpu = in_process(token, paths, 200)
        print(f"  {name:40} {wall:6.1f} ms wall {cpu:6.1f} ms CPU")
    connection.close()
    port = free_port()
    server = start_server(port, args.workers, args.threads)
    print(
        f"Palliare FHIR API benchmark — PostgreSQL, {total_patients} patients, "
        f"{plans} care plans; GP practice with {len(visible)}+ patients; gunicorn "
        f"{args.workers} workers x {args.threads} threads on {HOST}:{port}; "
        f"{os.cpu_count()} CPU cores"
    )
    print(
        f"{'scenario':40} {'conc':>4} {'requests':>8} {'errors':>6} {'req/s':>8} "
        f"{'p50 ms':>8} {'p99 ms':>8}"
    )
    try:
        for name, paths in scenarios.items():
            asyncio.run(run_load(port, token, paths, 4, 100, 10))  # warm-up
            for level in [int(x) for x in args.levels.split(",")]:
                latencies, errors, elapsed = asyncio.run(
                    run_load(port, token, paths, level, args.requests, args.seconds)
                )
                rate = len(latencies) / elapsed if elapsed else 0
                print(
                    f"{name:40} {level:>4} {len(latencies):>8} {errors:>6} {rate:>8.1f} "
                    f"{percentile(latencies, 50):>8.1f} {percentile(latencies, 99):>8.1f}",
                    flush=True,
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
