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

gunicorn runs with the repository's configuration (``src/palliare/conf/gunicorn.py``;
``--workers`` / ``--threads`` override it). Each run also reports the CPU time of the server's
processes and of the PostgreSQL backends of the database (``/proc/<pid>/stat``) per 1,000
requests. ``--compare DIR`` serves a second checkout (e.g. the main branch) on the same database
and runs the two in interleaved rounds (A B, B A, …; ``--rounds``) — Palliare only, no Medplum:

    .venv/bin/python bench/fhir_api.py --compare /work/main --levels 8 --rounds 4 \
        --requests 3000 --seconds 20 --no-in-process
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
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palliare.conf.ci")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from fhir_vs_medplum import cpu_seconds, pg_backends, process_tree, settle  # noqa: E402

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


def start_server(
    port: int, workers: int | None, threads: int | None, root: Path = ROOT
) -> subprocess.Popen[bytes]:
    """gunicorn with the repository's configuration and production settings over plain HTTP
    (bench/bench_settings.py), serving the checkout at ``root``."""
    env = dict(os.environ) | {
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "DB_CONN_MAX_AGE": "600",
        "GUNICORN_BIND": f"{HOST}:{port}",
    }
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c",
        str(root / "src" / "palliare" / "conf" / "gunicorn.py"),
        "--chdir",
        str(root / "src"),
        "--pythonpath",
        str(root / "bench"),
        "--log-level",
        "warning",
    ]
    if workers:
        cmd += ["-w", str(workers)]
    if threads:
        cmd += ["--threads", str(threads)]
    cmd.append("palliare.wsgi")
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                settle(proc.pid)
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def server_cpu(server: subprocess.Popen[bytes], database: str) -> float:
    """CPU seconds so far of the server's processes and of the database's backends."""
    pids = process_tree(server.pid) + pg_backends(database)
    return sum(cpu_seconds(pids).values())


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
    parser.add_argument("--workers", type=int, default=None, help="default: gunicorn.py's")
    parser.add_argument("--threads", type=int, default=None, help="default: gunicorn.py's")
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument("--compare", type=Path, default=None, help="a second checkout to serve")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds per level")
    parser.add_argument("--no-in-process", action="store_true")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    database = str(connection.settings_dict["NAME"])

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
    if not args.no_in_process:
        print("in-process (Django test client, one request at a time): median wall / CPU ms")
        for name, paths in scenarios.items():
            in_process(token, paths, 20)
            wall, cpu = in_process(token, paths, 200)
            print(f"  {name:40} {wall:6.1f} ms wall {cpu:6.1f} ms CPU")
    connection.close()
    roots = {"this": ROOT} | ({"compare": args.compare.resolve()} if args.compare else {})
    servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    try:
        for label, root in roots.items():
            port = free_port()
            servers[label] = (start_server(port, args.workers, args.threads, root), port)
        print(
            f"Palliare FHIR API benchmark — PostgreSQL, {total_patients} patients, "
            f"{plans} care plans; GP practice with {len(visible)}+ patients; gunicorn "
            f"(conf/gunicorn.py{'' if not args.workers else f', -w {args.workers}'}"
            f"{'' if not args.threads else f', --threads {args.threads}'}) on {HOST}; "
            f"{os.cpu_count()} CPU cores; "
            + ", ".join(f"{label} = {root}" for label, root in roots.items())
        )
        print(
            f"{'scenario':40} {'server':>7} {'round':>5} {'conc':>4} {'requests':>8} "
            f"{'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/1k':>9}"
        )
        for name, paths in scenarios.items():
            for _label, (_server, port) in servers.items():
                asyncio.run(run_load(port, token, paths, 4, 100, 10))  # warm-up
            for level in [int(x) for x in args.levels.split(",")]:
                for index in range(args.rounds):
                    order = list(servers) if index % 2 == 0 else list(reversed(servers))
                    for label in order:
                        server, port = servers[label]
                        before = server_cpu(server, database)
                        latencies, errors, elapsed = asyncio.run(
                            run_load(port, token, paths, level, args.requests, args.seconds)
                        )
                        cpu = server_cpu(server, database) - before
                        rate = len(latencies) / elapsed if elapsed else 0
                        per_1k = cpu * 1000 / len(latencies) * 1000 if latencies else 0
                        print(
                            f"{name:40} {label:>7} {index + 1:>5} {level:>4} "
                            f"{len(latencies):>8} {errors:>6} {rate:>8.1f} "
                            f"{percentile(latencies, 50):>8.1f} "
                            f"{percentile(latencies, 99):>8.1f} {per_1k:>9.0f}",
                            flush=True,
                        )
    finally:
        for server, _port in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
