"""Palliare's FHIR API side by side with a Medplum server, both on loopback (issue 20).

Three scenarios, each at concurrency 8 (``--concurrency``) with ``wrk`` and a Lua script that
rotates through the seeded patients:

- ``read``:       ``GET Patient/{id}``
- ``identifier``: ``GET Patient?identifier=http://fhir.nl/fhir/NamingSystem/bsn|<bsn>``
- ``consent``:    ``GET Consent?patient=Patient/{id}&scope=…consentscope|treatment
  &category=http://snomed.info/sct|129125009&_include=Consent:actor`` (the IKNL ACP IG's query)

Both servers hold the same ``--patients`` patients (BSN ``make_bsn(…)``), each with one
treatment-directive Consent (Palliare: a care plan whose only decided treatment limit is "no
resuscitation"; Medplum: a Consent resource with the same scope, category and patient).

The systems run in interleaved rounds (A B, B A, A B, …; with the ``--baseline`` variant
A B C, C B A, …), ``--rounds`` per scenario. Per run the script reads wrk's request count,
latency percentiles and its count of non-2xx answers (a Lua ``response`` hook counts every
status outside 200–299; any such answer or socket error makes the script exit 1), and the CPU
time of the server's processes and of the PostgreSQL backends of the server's database from
``/proc/<pid>/stat`` before and after the run. It prints req/s, p50/p99, CPU ms per 1,000
requests, the throughput ratio Palliare / other of each round pair and the median ratio.

Palliare is started here under gunicorn with the repository's configuration
(``src/palliare/conf/gunicorn.py``, production settings over plain HTTP from
``bench/bench_settings.py``) on a database of its own that the script creates, migrates and
seeds the first time (``--database-url``). ``--baseline`` adds a second Palliare server in the
configuration before issue 20 (3 gthread workers × 8 threads, gunicorn's default of 1,000
connections per worker, no preloading, the token looked up on every request:
``FHIR_TOKEN_CACHE_SECONDS=0``). ``--balance 32`` first shows how 32 keep-alive connections
spread over each Palliare server's workers.

Medplum is expected on ``--medplum-url`` (default http://127.0.0.1:8103/), with a
ClientApplication's id and secret in ``MEDPLUM_CLIENT_ID`` / ``MEDPLUM_CLIENT_SECRET``; its
server process is found by the port it listens on and its PostgreSQL backends by
``--medplum-database``. When nothing answers there, the script says so and runs Palliare
alone (docs/performance.md says how to build and start Medplum).

    .venv/bin/python bench/fhir_vs_medplum.py                         # 3 rounds, 20 s runs
    .venv/bin/python bench/fhir_vs_medplum.py --baseline --rounds 4 --duration 15
    .venv/bin/python bench/fhir_vs_medplum.py --scenarios identifier --rounds 6

Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
BSN_SYSTEM = "http://fhir.nl/fhir/NamingSystem/bsn"
SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CATEGORY = "http://snomed.info/sct"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/palliare_medplum_bench"
PRACTICE_NAME = "Huisartsenpraktijk Benchmark Medplum"
CLIENT_NAME = "bench-medplum-comparison"
CLK_TCK = os.sysconf("SC_CLK_TCK")

LUA = r"""
-- Rotates through the paths in BENCH_PATHS (one a line), each thread from its own offset,
-- with the bearer token in BENCH_TOKEN; counts every answer outside 200-299.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local token = os.getenv("BENCH_TOKEN")
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
  table.insert(threads, thread)
end

function init(args)
  i = offset
  non2xx = 0
  headers = {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/fhir+json"}
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], headers)
end

function response(status, hdrs, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "non2xx": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


# --- processes and CPU time --------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user+system CPU seconds) of ``pid``, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def process_tree(root: int) -> list[int]:
    parents = {pid: s[0] for pid in _pids() if (s := _stat(pid)) is not None}
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sorted(tree)


def pg_backends(database: str) -> list[int]:
    """PostgreSQL backend processes connected to ``database`` (their title names it)."""
    return [
        pid
        for pid in _pids()
        if (line := _cmdline(pid)).startswith("postgres: ") and f" {database} " in f"{line} "
    ]


def listening_pid(port: int) -> int | None:
    """The process listening on 127.0.0.1:``port`` (found through its socket's inode)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if int(parts[1].rsplit(":", 1)[1], 16) == port and parts[3] == "0A":  # LISTEN
                inodes.add(parts[9])
    for pid in _pids():
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return pid
        except OSError:
            continue
    return None


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    return {pid: s[1] for pid in pids if (s := _stat(pid)) is not None}


# --- the systems -------------------------------------------------------------------------------


@dataclass
class System:
    name: str
    base: str  # e.g. http://127.0.0.1:8000/fhir
    token: str
    server_pid: int
    database: str
    paths: dict[str, list[str]]
    proc: subprocess.Popen[bytes] | None = None
    results: dict[str, list[dict[str, float]]] = field(default_factory=dict)

    def cpu_pids(self) -> tuple[list[int], list[int]]:
        return process_tree(self.server_pid), pg_backends(self.database)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes] | None, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"nothing listens on {HOST}:{port} after {seconds:.0f} s")


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def prepare_palliare(database_url: str, patients: int) -> tuple[str, list[tuple[int, str]]]:
    """Create, migrate and seed the database (once); a long-lived token and the patients."""
    env = dict(os.environ) | {"DATABASE_URL": database_url, "DEMO_MODE": "true"}
    name = _database_name(database_url)
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(
        ["psql", admin, "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],  # noqa: S608 (our own URL)
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    manage = [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "manage.py")]
    if not exists:
        print(f"creating database {name} (migrate, reference data, demo region)", file=sys.stderr)
        subprocess.run(["psql", admin, "-c", f'CREATE DATABASE "{name}"'], check=True)
        for command in (["migrate", "-v0"], ["import_reference_data"], ["load_demo"]):
            subprocess.run([*manage, *command], env=env, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(
        [sys.executable, __file__, "--seed-palliare", str(patients)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    seeded = json.loads(out.strip().splitlines()[-1])
    os.environ["BENCH_CLIENT_ID"], os.environ["BENCH_CLIENT_SECRET"] = (
        seeded["client_id"],
        seeded["secret"],
    )
    return seeded["token"], [tuple(p) for p in seeded["patients"]]  # type: ignore[misc]


def seed_palliare(patients: int) -> None:
    """Runs in a child process with DATABASE_URL set: a GP practice with ``patients``
    patients, each with a one-version care plan whose only decided treatment limit is "no
    resuscitation" (one treatment-directive Consent), a read-only API client of that practice
    and a token valid for three hours. Prints JSON: the token and the (id, BSN) pairs."""
    # The server's settings: the client secret's hash is keyed with their SECRET_KEY.
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench"), str(ROOT)]
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from palliare.accounts.models import User
    from palliare.careplans import content as plan_content
    from palliare.careplans.constants import Treatment, TreatmentDecision
    from palliare.careplans.models import CarePlan, CarePlanVersion
    from palliare.fhir.auth import create_api_client, issue_token
    from palliare.fhir.models import AccessToken, ApiClient
    from palliare.organizations.constants import OrganizationType
    from palliare.organizations.models import Organization
    from palliare.patients.models import Patient
    from palliare.patients.validators import make_bsn

    with transaction.atomic():
        practice = Organization.objects.filter(name=PRACTICE_NAME).first()
        if practice is None:
            practice = Organization.objects.create(
                name=PRACTICE_NAME, type=OrganizationType.GP_PRACTICE, agb_code="01990990"
            )
        have = Patient.objects.filter(gp_practice=practice).count()
        if have < patients:
            bsns = [make_bsn(60_000_000 + n * 13) for n in range(patients)]
            taken = set(Patient.objects.filter(bsn__in=bsns).values_list("bsn", flat=True))
            Patient.objects.bulk_create(
                [
                    Patient(
                        bsn=bsn,
                        given_name="Bench",
                        family_name=f"Patiënt {n:04d}",
                        date_of_birth=dt.date(1940 + n % 40, 1 + n % 12, 1 + n % 28),
                        sex="F" if n % 2 else "M",
                        gp_practice=practice,
                    )
                    for n, bsn in enumerate(bsns)
                    if bsn not in taken
                ][: patients - have]
            )
        author, _ = User.objects.get_or_create(
            username="bench-medplum-author", defaults={"is_active": False}
        )
        content = plan_content.empty()
        for row in content["treatment_limits"]:
            if row["treatment"] == Treatment.RESUSCITATION:
                row.update(decision=TreatmentDecision.NO.value, note="Niet reanimeren (bench).")
        content["conversations"] = [
            {
                "date": "2026-01-15",
                "held_by": "Bench Huisarts",
                "function": "01.015",
                "patient_present": True,
                "participants": "",
            }
        ]
        without = list(
            Patient.objects.filter(gp_practice=practice, care_plan__isnull=True).values_list(
                "pk", flat=True
            )
        )
        now = timezone.now()
        plans = CarePlan.objects.bulk_create(
            [
                CarePlan(
                    patient_id=pk,
                    identifier=f"IZP-M{pk:07d}",
                    current_number=1,
                    created_at=now,
                    updated_at=now,
                )
                for pk in without
            ]
        )
        versions = CarePlanVersion.objects.bulk_create(
            [
                CarePlanVersion(
                    plan=plan,
                    number=1,
                    content=content,
                    changed_fields=[],
                    note="bench",
                    resuscitation=TreatmentDecision.NO.value,
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
        client = ApiClient.objects.filter(name=CLIENT_NAME, organization=practice).first()
        if client is not None:  # a fresh client and token for each run
            AccessToken.objects.filter(client=client).delete()
            client.delete()
        client, secret = create_api_client(CLIENT_NAME, practice, "system/*.read")
    token, row = issue_token(client.client_id, secret, "")
    AccessToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() + dt.timedelta(hours=3))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    chosen = list(
        Patient.objects.filter(gp_practice=practice)
        .order_by("pk")
        .values_list("pk", "bsn")[:patients]
    )
    print(
        json.dumps(
            {"token": token, "patients": chosen, "client_id": client.client_id, "secret": secret}
        )
    )


def start_palliare(
    database_url: str,
    *,
    baseline: bool,
    workers: int | None,
    threads: int | None,
    extra_env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = (
        dict(os.environ)
        | (extra_env or {})
        | {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "DB_CONN_MAX_AGE": "600",
            "GUNICORN_BIND": f"{HOST}:{port}",
        }
    )
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c",
        str(ROOT / "src" / "palliare" / "conf" / "gunicorn.py"),
        "--chdir",
        str(ROOT / "src"),
        "--pythonpath",
        str(ROOT / "bench"),
        "--log-level",
        "warning",
    ]
    if baseline:  # as before issue 20
        env["FHIR_TOKEN_CACHE_SECONDS"] = "0"  # noqa: S105 (a number of seconds)
        env["WEB_PRELOAD"] = "false"
        cmd += ["-w", "3", "--threads", "8", "--worker-connections", "1000"]
    else:
        if workers:
            cmd += ["-w", str(workers)]
        if threads:
            cmd += ["--threads", str(threads)]
    cmd.append("palliare.wsgi")
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    wait_for_port(port, proc)
    settle(proc.pid)
    return proc, port


def settle(root: int, seconds: float = 120) -> None:
    """Wait until the server's processes have booted (their CPU time stops growing), so that
    importing Django in the workers is not counted as the first run's CPU time."""
    deadline = time.monotonic() + seconds
    last = -1.0
    while time.monotonic() < deadline:
        now = sum(cpu_seconds(process_tree(root)).values())
        if last >= 0 and now - last < 0.05:
            return
        last = now
        time.sleep(1.0)


def scenario_paths(prefix: str, patients: list[tuple[str, str]]) -> dict[str, list[str]]:
    return {
        "read": [f"{prefix}/Patient/{pid}" for pid, _ in patients],
        "identifier": [
            f"{prefix}/Patient?identifier={quote(BSN_SYSTEM + '|' + bsn, safe='')}"
            for _, bsn in patients
        ],
        "consent": [
            f"{prefix}/Consent?patient=Patient/{pid}&scope={quote(SCOPE, safe='')}%7Ctreatment"
            f"&category={quote(CATEGORY, safe='')}%7C129125009&_include=Consent:actor"
            for pid, _ in patients
        ],
    }


def in_process(database_url: str, patients: int, requests: int, rounds: int) -> None:
    """The application's own cost of one request, without HTTP server or concurrency: the
    Django test client in this process (production settings), the token check remembered
    (``FHIR_TOKEN_CACHE_SECONDS`` 10) and not (0) in alternating rounds; per scenario the
    median CPU ms per request and the SQL statements of one request."""
    token, chosen = prepare_palliare(database_url, patients)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench"), str(ROOT)]
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    paths = scenario_paths("/fhir", [(str(pk), bsn) for pk, bsn in chosen])
    http = Client(HTTP_HOST=HOST)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "application/fhir+json"}
    print(f"in-process, {requests} requests per round and variant, {rounds} rounds")
    print(f"{'scenario':10} {'variant':16} {'CPU ms/request':>14} {'statements':>10}")
    for scenario, urls in paths.items():
        cpu: dict[str, list[float]] = {"cache 10 s": [], "no cache": []}
        statements: dict[str, int] = {}
        for rnd in range(rounds + 1):  # round 0 warms up
            variants = list(cpu) if rnd % 2 else list(reversed(cpu))
            for variant in variants:
                seconds = 10 if variant == "cache 10 s" else 0
                with override_settings(FHIR_TOKEN_CACHE_SECONDS=seconds):
                    assert http.get(urls[1], **headers).status_code == 200
                    with CaptureQueriesContext(connection) as captured:
                        assert http.get(urls[0], **headers).status_code == 200
                    statements[variant] = len(captured.captured_queries)
                    start = time.process_time()
                    for i in range(requests):
                        response = http.get(urls[(i * 7919) % len(urls)], **headers)
                        assert response.status_code == 200, response.content[:300]
                    if rnd:
                        cpu[variant].append((time.process_time() - start) * 1000 / requests)
        for variant, values in cpu.items():
            print(
                f"{scenario:10} {variant:16} {statistics.median(values):14.2f} "
                f"{statements[variant]:10d}"
            )
    # The token endpoint's secret check: the password hasher (before) and HMAC-SHA256 (now).
    from django.contrib.auth.hashers import check_password, make_password

    from palliare.fhir.auth import check_client_secret, hash_client_secret

    secret = "s" * 43
    slow, fast = make_password(secret), hash_client_secret(secret)
    timings = {}
    for label, check in (
        (f"password hasher ({slow.split('$')[0]})", lambda: check_password(secret, slow)),
        ("HMAC-SHA256", lambda: check_client_secret(secret, fast)[0]),
    ):
        values = []
        for _ in range(7):
            start = time.process_time()
            assert check()
            values.append((time.process_time() - start) * 1000)
        timings[label] = statistics.median(values)
    for label, ms in timings.items():
        print(f"client secret check, {label}: {ms:.3f} ms CPU")


# --- Medplum -----------------------------------------------------------------------------------


def _http(
    method: str, url: str, body: object = None, headers: dict[str, str] | None = None
) -> object:
    data = None
    headers = dict(headers or {})
    if isinstance(body, dict):
        data = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/fhir+json")
    elif isinstance(body, str):
        data = body.encode()
    if not url.startswith(f"http://{HOST}:"):
        raise SystemExit(f"only loopback is contacted, not {url}")
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (loopback only)
        return json.loads(response.read() or b"{}")


def medplum_token(base: str, client_id: str, secret: str) -> str:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    answer = _http(
        "POST",
        f"{base}/oauth2/token",
        "grant_type=client_credentials",
        {"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert isinstance(answer, dict)
    return str(answer["access_token"])


def seed_medplum(base: str, token: str, bsns: list[str]) -> list[tuple[str, str]]:
    """The same patients in Medplum (found again by BSN on a second run), each with one
    treatment-directive Consent naming the patient as its actor; returns (id, BSN) pairs."""
    auth = {"Authorization": f"Bearer {token}"}
    fhir = f"{base}/fhir/R4"
    ids: dict[str, str] = {}
    for start in range(0, len(bsns), 100):
        chunk = bsns[start : start + 100]
        entries = []
        for bsn in chunk:
            entries.append(
                {
                    "request": {
                        "method": "POST",
                        "url": "Patient",
                        "ifNoneExist": f"identifier={BSN_SYSTEM}|{bsn}",
                    },
                    "resource": {
                        "resourceType": "Patient",
                        "identifier": [{"system": BSN_SYSTEM, "value": bsn}],
                        "name": [{"family": f"Patiënt {bsn}", "given": ["Bench"]}],
                    },
                }
            )
        answer = _http(
            "POST", fhir, {"resourceType": "Bundle", "type": "batch", "entry": entries}, auth
        )
        assert isinstance(answer, dict)
        for bsn, entry in zip(chunk, answer["entry"], strict=True):
            location = entry["response"].get("location", "")
            if not location:
                raise SystemExit(f"Medplum did not create Patient {bsn}: {entry['response']}")
            ids[bsn] = location.split("Patient/")[1].split("/")[0]
    pairs = [(ids[b], b) for b in bsns]
    existing = _http("GET", f"{fhir}/Consent?_summary=count&category=129125009", None, auth)
    assert isinstance(existing, dict)
    if int(existing.get("total", 0)) < len(pairs):
        for start in range(0, len(pairs), 100):
            entries = [
                {
                    "request": {
                        "method": "POST",
                        "url": "Consent",
                        "ifNoneExist": f"patient=Patient/{pid}&category=129125009",
                    },
                    "resource": {
                        "resourceType": "Consent",
                        "status": "active",
                        "scope": {"coding": [{"system": SCOPE, "code": "treatment"}]},
                        "category": [{"coding": [{"system": CATEGORY, "code": "129125009"}]}],
                        "patient": {"reference": f"Patient/{pid}"},
                        "provision": {
                            "type": "deny",
                            "actor": [
                                {
                                    "role": {
                                        "coding": [
                                            {
                                                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                                "code": "INF",
                                            }
                                        ]
                                    },
                                    "reference": {"reference": f"Patient/{pid}"},
                                }
                            ],
                            "code": [{"coding": [{"system": CATEGORY, "code": "89666000"}]}],
                        },
                    },
                }
                for pid, _ in pairs[start : start + 100]
            ]
            _http("POST", fhir, {"resourceType": "Bundle", "type": "batch", "entry": entries}, auth)
    return pairs


# --- one run -----------------------------------------------------------------------------------


def run_wrk(
    system: System, scenario: str, concurrency: int, seconds: int, lua: Path, tmp: Path
) -> dict[str, float]:
    paths_file = tmp / f"{system.name}-{scenario}.txt"
    paths_file.write_text("\n".join(system.paths[scenario]) + "\n")
    server, backends = system.cpu_pids()
    before = cpu_seconds(server) | cpu_seconds(backends)
    env = dict(os.environ) | {"BENCH_PATHS": str(paths_file), "BENCH_TOKEN": system.token}
    started = time.monotonic()
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(concurrency),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(lua),
            system.base.split("/fhir")[0] + "/",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    wall = time.monotonic() - started
    server_after, backends_after = system.cpu_pids()
    after_server = cpu_seconds(server_after)
    after_db = cpu_seconds(backends_after)
    server_cpu = sum(after_server[p] - before.get(p, 0.0) for p in after_server)
    db_cpu = sum(after_db[p] - before.get(p, 0.0) for p in after_db)
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    result = json.loads(line[6:])
    requests = max(result["requests"], 1)
    return {
        "requests": result["requests"],
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50": result["p50_us"] / 1000,
        "p99": result["p99_us"] / 1000,
        "bad": result["non2xx"] + result["socket_errors"],
        "server_cpu": server_cpu * 1e6 / requests,  # ms per 1,000 requests
        "db_cpu": db_cpu * 1e6 / requests,
        "wall": wall,
    }


def connections_per_worker(system: System, port: int) -> list[int]:
    """Established connections on ``port`` held by each worker process (``ss -tnp``)."""
    out = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    workers = [p for p in process_tree(system.server_pid) if p != system.server_pid]
    counts = dict.fromkeys(workers, 0)
    for line in out.splitlines():
        for pid in workers:
            if f"pid={pid}," in line:
                counts[pid] += 1
    return sorted(counts.values(), reverse=True)


def balance(system: System, concurrency: int, seconds: int, lua: Path, tmp: Path) -> None:
    """How wrk's keep-alive connections spread over the workers, sampled mid-run."""
    port = int(urlsplit(system.base).port or 80)
    paths_file = tmp / f"{system.name}-balance.txt"
    paths_file.write_text("\n".join(system.paths["identifier"]) + "\n")
    env = dict(os.environ) | {"BENCH_PATHS": str(paths_file), "BENCH_TOKEN": system.token}
    url = system.base.split("/fhir")[0] + "/"
    cmd = ["wrk", "-t", "2", "-c", str(concurrency), "-d", f"{seconds}s", "--timeout", "10s"]
    cmd += ["-s", str(lua), url]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    samples = []
    for _ in range(3):
        time.sleep(seconds / 4)
        samples.append(connections_per_worker(system, port))
    out, _err = proc.communicate()
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    result = json.loads(line[6:])
    rps = result["requests"] / (result["duration_us"] / 1e6)
    print(
        f"  {system.name:16} c={concurrency}: connections per worker (3 samples) "
        f"{samples}; {rps:.1f} req/s, not-2xx {result['non2xx'] + result['socket_errors']}",
        flush=True,
    )


def token_burst(system: System, n: int) -> None:
    """``n`` token requests at once (client_secret_basic) against one Palliare server: wall
    time of each, median and the slowest."""
    from concurrent.futures import ThreadPoolExecutor

    client_id, secret = os.environ["BENCH_CLIENT_ID"], os.environ["BENCH_CLIENT_SECRET"]
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    url = system.base + "/auth/token"

    def one(_i: int) -> float:
        start = time.monotonic()
        answer = _http(
            "POST",
            url,
            "grant_type=client_credentials",
            {
                "Authorization": f"Basic {basic}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        assert isinstance(answer, dict) and answer.get("access_token"), answer
        return (time.monotonic() - start) * 1000

    with ThreadPoolExecutor(n) as pool:
        times = sorted(pool.map(one, range(n)))
    print(
        f"  {system.name:16} {n} token requests at once: median {statistics.median(times):.0f} ms,"
        f" slowest {times[-1]:.0f} ms",
        flush=True,
    )


def check_once(system: System, scenario: str) -> None:
    """One request of each kind must answer 200 with a non-empty result before the load."""
    path = system.paths[scenario][0]
    url = system.base.split("/fhir")[0] + path
    try:
        body = _http("GET", url, None, {"Authorization": f"Bearer {system.token}"})
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"{system.name} {scenario}: {exc.code} {exc.read()[:300]!r}") from None
    assert isinstance(body, dict)
    if body.get("resourceType") == "Bundle":
        matches = [e for e in body.get("entry", []) if e.get("search", {}).get("mode") == "match"]
        if len(matches) != 1:
            raise SystemExit(f"{system.name} {scenario}: {len(matches)} matches, expected 1")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--scenarios", default="read,identifier,consent")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=int, default=20, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=3, help="seconds per system and scenario")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=None, help="gunicorn threads")
    parser.add_argument("--baseline", action="store_true", help="add Palliare as before")
    parser.add_argument("--no-medplum", action="store_true")
    parser.add_argument(
        "--alt-env",
        metavar="K=V,…",
        help="add a Palliare server with these environment variables, e.g. WEB_WORKERS=3",
    )
    parser.add_argument("--tokens", type=int, metavar="N", help="first N token requests at once")
    parser.add_argument(
        "--balance",
        type=int,
        metavar="C",
        help="first show how C keep-alive connections spread over Palliare's workers",
    )
    parser.add_argument("--medplum-url", default="http://127.0.0.1:8103")
    parser.add_argument("--medplum-database", default="medplum_bench")
    parser.add_argument(
        "--in-process",
        type=int,
        metavar="N",
        help="measure N requests per round in this process (test client), cache on and off",
    )
    parser.add_argument("--seed-palliare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_palliare:
        seed_palliare(args.seed_palliare)
        return
    if args.in_process:
        in_process(args.database_url, args.patients, args.in_process, args.rounds)
        return
    scenarios = [s for s in args.scenarios.split(",") if s]

    token, patients = prepare_palliare(args.database_url, args.patients)
    database = _database_name(args.database_url)
    pairs = [(str(pk), bsn) for pk, bsn in patients]
    systems: list[System] = []
    started: list[subprocess.Popen[bytes]] = []
    try:
        proc, port = start_palliare(
            args.database_url, baseline=False, workers=args.workers, threads=args.threads
        )
        started.append(proc)
        base = f"http://{HOST}:{port}/fhir"
        systems.append(
            System(
                "palliare", base, token, proc.pid, database, scenario_paths("/fhir", pairs), proc
            )
        )
        if args.baseline:
            proc, port = start_palliare(
                args.database_url, baseline=True, workers=None, threads=None
            )
            started.append(proc)
            base = f"http://{HOST}:{port}/fhir"
            systems.append(
                System(
                    "palliare-before",
                    base,
                    token,
                    proc.pid,
                    database,
                    scenario_paths("/fhir", pairs),
                    proc,
                )
            )
        if args.alt_env:
            extra = dict(item.split("=", 1) for item in args.alt_env.split(","))
            proc, port = start_palliare(
                args.database_url,
                baseline=False,
                workers=args.workers,
                threads=args.threads,
                extra_env=extra,
            )
            started.append(proc)
            systems.append(
                System(
                    "palliare-alt",
                    f"http://{HOST}:{port}/fhir",
                    token,
                    proc.pid,
                    database,
                    scenario_paths("/fhir", pairs),
                    proc,
                )
            )
            print(f"palliare-alt: {extra}", flush=True)
        medplum_note = "not asked for (--no-medplum)"
        if not args.no_medplum:
            url = args.medplum_url.rstrip("/")
            port = urlsplit(url).port or 80
            if urlsplit(url).hostname not in (HOST, "localhost"):
                raise SystemExit("--medplum-url must be on loopback")
            pid = listening_pid(port)
            client_id = os.environ.get("MEDPLUM_CLIENT_ID", "")
            secret = os.environ.get("MEDPLUM_CLIENT_SECRET", "")
            if pid is None:
                medplum_note = f"unavailable: nothing listens on {url}"
            elif not client_id or not secret:
                medplum_note = "unavailable: MEDPLUM_CLIENT_ID / MEDPLUM_CLIENT_SECRET not set"
            else:
                mtoken = medplum_token(url, client_id, secret)
                mpairs = seed_medplum(url, mtoken, [bsn for _, bsn in pairs])
                systems.append(
                    System(
                        "medplum",
                        f"{url}/fhir/R4",
                        mtoken,
                        pid,
                        args.medplum_database,
                        scenario_paths("/fhir/R4", mpairs),
                    )
                )
                medplum_note = f"on {url} (pid {pid}, database {args.medplum_database})"
        print(
            f"FHIR side by side: {len(pairs)} patients with one treatment-directive Consent each; "
            f"wrk -t2 -c{args.concurrency}, {args.duration} s runs, {args.rounds} interleaved "
            f"rounds; {os.cpu_count()} CPU cores; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        print(f"Medplum: {medplum_note}", flush=True)
        with tempfile.TemporaryDirectory() as tmpdir:
            tmp = Path(tmpdir)
            lua = tmp / "rotate.lua"
            lua.write_text(LUA)
            failed = False
            if args.balance:
                print("keep-alive connections per gunicorn worker (identifier search):")
                for system in systems:
                    if system.name.startswith("palliare"):
                        check_once(system, "identifier")
                        run_wrk(system, "identifier", args.balance, args.warmup, lua, tmp)
                        balance(system, args.balance, args.duration, lua, tmp)
            if args.tokens:
                print("token endpoint (client secret HMAC-SHA256; a PBKDF2 check took ~0.46 s):")
                token_burst(systems[0], args.tokens)
            for scenario in scenarios:
                for system in systems:
                    check_once(system, scenario)
                    run_wrk(system, scenario, args.concurrency, args.warmup, lua, tmp)
                for rnd in range(args.rounds):
                    order = systems if rnd % 2 == 0 else list(reversed(systems))
                    for system in order:
                        result = run_wrk(
                            system, scenario, args.concurrency, args.duration, lua, tmp
                        )
                        system.results.setdefault(scenario, []).append(result)
                        failed |= result["bad"] > 0
                        print(
                            f"  {scenario:10} round {rnd + 1} {system.name:16} "
                            f"{result['rps']:7.1f} req/s  p50 {result['p50']:6.1f} ms  "
                            f"p99 {result['p99']:6.1f} ms  CPU/1000 req: server "
                            f"{result['server_cpu']:6.0f} ms, db {result['db_cpu']:5.0f} ms  "
                            f"not-2xx {result['bad']:.0f}",
                            flush=True,
                        )
        report(systems, scenarios)
        if failed:
            print("FAILED: some answers were not 2xx (or sockets failed)")
            sys.exit(1)
    finally:
        for proc in started:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)


def report(systems: list[System], scenarios: list[str]) -> None:
    print()
    print(
        f"{'scenario':10} {'system':16} {'req/s (median)':>14} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'server CPU ms/1000':>18} {'db CPU ms/1000':>14}"
    )
    for scenario in scenarios:
        for system in systems:
            rows = system.results.get(scenario, [])
            if not rows:
                continue

            def med(key: str, rows: list[dict[str, float]] = rows) -> float:
                return statistics.median(r[key] for r in rows)

            print(
                f"{scenario:10} {system.name:16} {med('rps'):14.1f} {med('p50'):7.1f} "
                f"{med('p99'):7.1f} {med('server_cpu'):18.0f} {med('db_cpu'):14.0f}"
            )
    palliare = systems[0]
    for other in systems[1:]:
        print()
        print(f"throughput ratio palliare / {other.name} (per round pair; median)")
        for scenario in scenarios:
            ours, theirs = palliare.results.get(scenario, []), other.results.get(scenario, [])
            ratios = [a["rps"] / b["rps"] for a, b in zip(ours, theirs, strict=True) if b["rps"]]
            cpu = [
                (b["server_cpu"] + b["db_cpu"]) / (a["server_cpu"] + a["db_cpu"])
                for a, b in zip(ours, theirs, strict=True)
                if a["server_cpu"] + a["db_cpu"]
            ]
            if ratios:
                print(
                    f"  {scenario:10} "
                    + "  ".join(f"{r:.2f}" for r in ratios)
                    + f"   median {statistics.median(ratios):.2f}"
                    + f"   (CPU per request {other.name} / palliare: median "
                    f"{statistics.median(cpu):.2f})"
                )


if __name__ == "__main__":
    main()
