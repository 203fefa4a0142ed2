"""Load check: the acute view and the FHIR endpoint under 32 concurrent clients on PostgreSQL.

    .venv/bin/python bench/load.py [--clients 32] [--seconds 30] [--patients 20000]
        [--workers 4] [--threads 4]
        [--database-url postgres://postgres@127.0.0.1:5432/palliare_load]

1. Creates and migrates its own database (default ``palliare_load``) and seeds it as
   bench/acute_view.py does: N fictional patients with consent to share with acute care, a
   one-version care plan and a care team of two (COPY; skipped when already there).
2. Logs every acute client in as an out-of-hours GP with a second factor: one verified
   session per client, written to the session table as bench/acute_view.py does (the login
   form's TOTP step is not what is measured). Registers a read-only FHIR client of the
   patients' GP practice.
3. Starts gunicorn (production settings over plain HTTP, bench/bench_settings.py, gthread
   workers) and sends, from a bounded asyncio HTTP/1.1 keep-alive client on loopback:
   - **acute**: ``--clients`` clients, each with its own session, search by BSN (POST) →
     follow the redirect → the acute summary (GET), back to back for ``--seconds``;
   - **FHIR**: ``--clients`` clients get their own token at once (``POST /fhir/auth/token``,
     client credentials; timed on its own, each is a password-hash check), then each cycles
     through ``GET Patient/{id}``, ``GET Patient?identifier=<bsn>`` and the IG's Consent
     query with ``_include=Consent:actor`` for ``--seconds``.
4. Checks the NEN 7513 access log: before the load it measures, one request at a time, how
   many rows each kind of request writes (every read must write at least one); after the load
   the log must have grown by exactly that many rows per successful request, and
   ``verify_chain`` must find the chain intact.
5. Prints per phase and per request kind: requests, errors, requests/s, p50 and p99; exits 1
   on any failed request (a status other than the expected one, a dropped connection) and on
   any difference in the access log.

Numbers depend on the machine; docs/performance.md records a run and its conditions.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import secrets
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench"), str(ROOT)]

import acute_view  # noqa: E402

HOST = "127.0.0.1"
BSN_SYSTEM = "http://fhir.nl/fhir/NamingSystem/bsn"
CONSENT_QUERY = (
    "/fhir/Consent?patient=Patient/{pk}"
    "&scope=http://terminology.hl7.org/CodeSystem/consentscope%7Ctreatment"
    "&category=http://snomed.info/sct%7C129125009&_include=Consent:actor"
)


# --- seeding ---------------------------------------------------------------------------------


def acute_sessions(n: int) -> tuple[list[str], list[str]]:
    """``n`` verified sessions of the benchmark's out-of-hours GP (one per client) and the
    BSNs the clients search for."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from palliare.accounts.models import User

    first, _csrf, bsns = acute_view.session_for_bench_user()  # creates the user and device
    user = User.objects.get(username="bench-hap")
    device = TOTPDevice.objects.get(user=user, name="bench")
    keys = [first]
    for _ in range(n - 1):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "palliare.accounts.backends.UsernameOrEmailBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.set_expiry(24 * 3600)
        store.save()
        keys.append(store.session_key)
    return keys, bsns


def fhir_client() -> tuple[str, str, list[tuple[int, str]]]:
    """A read-only FHIR client of the benchmark practice: client id, secret, and (id, BSN) of
    patients it may read."""
    from palliare.fhir.auth import create_api_client
    from palliare.fhir.models import ApiClient
    from palliare.organizations.models import Organization
    from palliare.patients.models import Patient

    practice = Organization.objects.get(name="Benchmarkpraktijk")
    ApiClient.objects.filter(name="bench-load", organization=practice).update(is_active=False)
    client, secret = create_api_client("bench-load", practice, "system/*.read")
    patients = list(
        Patient.objects.filter(gp_practice=practice, is_synthetic=True)
        .order_by("pk")
        .values_list("pk", "bsn")[:5000]
    )
    random.Random(5).shuffle(patients)
    return client.client_id, secret, patients


def audit_rows() -> int:
    from palliare.audit.models import AuditEvent

    return AuditEvent.objects.count()


# --- a bounded HTTP/1.1 client (stdlib asyncio, keep-alive) ---------------------------------


class _ClosedBeforeAnswer(OSError):
    """The server closed the connection without answering (an idle keep-alive timed out)."""


class Connection:
    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port, self.headers = port, headers
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        """One request; on a kept-alive connection the server closed while it was idle (no
        status line at all), reconnect and send it once more, as HTTP clients do."""
        reused = self.writer is not None and not self.writer.is_closing()
        try:
            return await self._request(method, path, body, content_type)
        except (ConnectionResetError, BrokenPipeError, _ClosedBeforeAnswer):
            if not reused:
                raise
            self.close()
            return await self._request(method, path, body, content_type)

    async def _request(
        self, method: str, path: str, body: bytes, content_type: str
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        lines += ["Connection: keep-alive", f"Content-Length: {len(body)}"]
        if content_type:
            lines.append(f"Content-Type: {content_type}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        assert self.reader is not None
        status_line = await self.reader.readline()
        if not status_line:
            raise _ClosedBeforeAnswer
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            key, _, value = line.decode("latin-1").partition(":")
            headers[key.strip().lower()] = value.strip()
        if "content-length" in headers:
            data = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            data = b"".join(parts)
        else:
            data = await self.reader.read()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Results:
    """Latencies (ms) and counts per request kind, for one phase."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: Seconds the token burst took (FHIR phase), before the timed reads.
    token_seconds: float = 0.0

    def ok(self, kind: str, started: float) -> None:
        self.latencies[kind].append((time.perf_counter() - started) * 1000)

    def fail(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {what}")

    @property
    def total_errors(self) -> int:
        return sum(self.errors.values())


async def acute_phase(
    port: int, sessions: list[str], bsns: list[str], seconds: float, seed: int = 0
) -> Results:
    """Each client (one session each): search by BSN, follow the redirect to the summary."""
    from django.conf import settings

    results = Results()
    stop_at = time.perf_counter() + seconds

    async def client(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        csrf = secrets.token_hex(16)
        cookies = (
            f"{settings.SESSION_COOKIE_NAME}={sessions[index]}; {settings.CSRF_COOKIE_NAME}={csrf}"
        )
        conn = Connection(port, {"Cookie": cookies})
        while time.perf_counter() < stop_at:
            body = urlencode({"csrfmiddlewaretoken": csrf, "bsn": rng.choice(bsns)}).encode()
            try:
                started = time.perf_counter()
                status, headers, _ = await conn.request(
                    "POST", "/acute/", body, "application/x-www-form-urlencoded"
                )
                if status not in (302, 303):
                    results.fail("acute search", f"status {status}")
                    continue
                results.ok("acute search", started)
                started = time.perf_counter()
                status, _, _page = await conn.request("GET", headers["location"])
                if status != 200:
                    results.fail("acute summary", f"status {status}")
                    continue
                results.ok("acute summary", started)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError, KeyError) as e:
                results.fail("acute connection", repr(e))
                conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(len(sessions))))
    results.seconds = time.perf_counter() - started
    return results


def fhir_paths(patients: list[tuple[int, str]]) -> list[tuple[str, str]]:
    paths = []
    for pk, bsn in patients:
        paths.append(("FHIR Patient/{id}", f"/fhir/Patient/{pk}"))
        paths.append(
            (
                "FHIR Patient?identifier=",
                f"/fhir/Patient?identifier={quote(BSN_SYSTEM + '|' + bsn, safe='')}",
            )
        )
        paths.append(("FHIR Consent?…&_include", CONSENT_QUERY.format(pk=pk)))
    return paths


async def get_token(conn: Connection, client_id: str, secret: str) -> tuple[int, str]:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    conn.headers = {"Authorization": f"Basic {basic}"}
    status, _, data = await conn.request(
        "POST",
        "/fhir/auth/token",
        urlencode({"grant_type": "client_credentials", "scope": "system/*.read"}).encode(),
        "application/x-www-form-urlencoded",
    )
    token = json.loads(data)["access_token"] if status == 200 else ""
    return status, token


async def fhir_phase(
    port: int,
    clients: int,
    client_id: str,
    secret: str,
    paths: list[tuple[str, str]],
    seconds: float,
) -> Results:
    """All clients get their own token at once (a burst: each is a password-hash check), then
    each reads and searches in turn for ``seconds``."""
    results = Results()
    connections = [Connection(port, {}) for _ in range(clients)]

    async def token(conn: Connection) -> None:
        try:
            started = time.perf_counter()
            status, issued = await get_token(conn, client_id, secret)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as e:
            results.fail("FHIR token", repr(e))
            return
        if status != 200:
            results.fail("FHIR token", f"status {status}")
            return
        results.ok("FHIR token", started)
        conn.headers = {"Authorization": f"Bearer {issued}", "Accept": "application/fhir+json"}

    started = time.perf_counter()
    await asyncio.gather(*(token(conn) for conn in connections))
    results.token_seconds = time.perf_counter() - started
    stop_at = time.perf_counter() + seconds

    async def client(index: int, conn: Connection) -> None:
        if "Bearer" not in conn.headers.get("Authorization", ""):
            return  # no token: counted above
        position = index * 7
        while time.perf_counter() < stop_at:
            kind, path = paths[position % len(paths)]
            position += 1
            try:
                started = time.perf_counter()
                status, _, _ = await conn.request("GET", path)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as e:
                results.fail(kind, repr(e))
                conn.close()
                continue
            if status == 200:
                results.ok(kind, started)
            else:
                results.fail(kind, f"status {status} for {path}")

    started = time.perf_counter()
    await asyncio.gather(*(client(i, conn) for i, conn in enumerate(connections)))
    results.seconds = time.perf_counter() - started
    for conn in connections:
        conn.close()
    return results


# --- the access log --------------------------------------------------------------------------


async def rows_per_request(
    port: int, session: str, bsn: str, client_id: str, secret: str, patient: tuple[int, str]
) -> dict[str, int]:
    """How many access-log rows one request of each kind writes, one request at a time."""
    from asgiref.sync import sync_to_async
    from django.conf import settings

    count = sync_to_async(audit_rows)
    rows: dict[str, int] = {}
    csrf = secrets.token_hex(16)
    acute = Connection(
        port,
        {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"},
    )
    before = await count()
    body = urlencode({"csrfmiddlewaretoken": csrf, "bsn": bsn}).encode()
    status, headers, _ = await acute.request(
        "POST", "/acute/", body, "application/x-www-form-urlencoded"
    )
    assert status in (302, 303), f"acute search answered {status}"
    rows["acute search"], before = await count() - before, await count()
    status, _, _ = await acute.request("GET", headers["location"])
    assert status == 200, f"acute summary answered {status}"
    rows["acute summary"], before = await count() - before, await count()
    acute.close()
    fhir = Connection(port, {})
    status, token = await get_token(fhir, client_id, secret)
    assert status == 200, f"token endpoint answered {status}"
    rows["FHIR token"], before = await count() - before, await count()
    fhir.headers = {"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"}
    for kind, path in fhir_paths([patient])[:3]:
        status, _, _ = await fhir.request("GET", path)
        assert status == 200, f"{kind} answered {status}"
        rows[kind], before = await count() - before, await count()
    fhir.close()
    return rows


#: Request kinds that read patient data: each must write at least one access-log row.
READS = (
    "acute summary",
    "FHIR Patient/{id}",
    "FHIR Patient?identifier=",
    "FHIR Consent?…&_include",
)


def verdict(
    rows: dict[str, int], ok: Counter[str], errors: int, grew: int, broken: object | None
) -> list[str]:
    """What is wrong with a run, if anything: failed requests, a read that writes no
    access-log row, a log that did not grow by exactly the rows the successful requests
    write (``rows`` per request kind, measured one at a time), a broken chain."""
    problems = []
    if errors:
        problems.append(f"{errors} failed requests")
    silent = [kind for kind in READS if rows.get(kind, 0) < 1]
    if silent:
        problems.append(f"reads that write no access-log row: {', '.join(silent)}")
    expected = sum(rows.get(kind, 0) * n for kind, n in ok.items())
    if grew != expected:
        problems.append(f"access log grew by {grew} rows, expected {expected}")
    if broken is not None:
        problems.append(f"access-log chain broken: {broken}")
    return problems


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))] if ordered else float("nan")


def report(name: str, results: Results) -> None:
    timed = {k: v for k, v in results.latencies.items() if k != "FHIR token"}
    total = sum(len(v) for v in timed.values())
    print(
        f"\n{name}: {total} requests in {results.seconds:.1f} s = "
        f"{total / results.seconds:.0f} requests/s, {results.total_errors} errors"
    )
    print("| request | ok | errors | req/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for kind in sorted(set(results.latencies) | set(results.errors)):
        values = results.latencies.get(kind, [])
        seconds = results.token_seconds if kind == "FHIR token" else results.seconds
        print(
            f"| {kind} | {len(values)} | {results.errors[kind]} | "
            f"{len(values) / seconds:.0f} | {percentile(values, 0.5):.1f} | "
            f"{percentile(values, 0.99):.1f} |"
        )
    for example in results.examples:
        print(f"  failed: {example}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0, help="per phase")
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/palliare_load"
    )
    args = parser.parse_args()
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients and --seconds must be positive")

    acute_view.ensure_database(args.database_url)
    acute_view.setup_django(args.database_url)
    acute_view.load(args.patients)
    acute_view.add_care_teams()
    sessions, bsns = acute_sessions(args.clients + 1)
    client_id, secret, patients = fhir_client()
    paths = fhir_paths(patients)

    from django.db import connections

    from palliare.audit import services as audit

    connections.close_all()
    server = acute_view.start_server(args.port, args.database_url, args.workers, args.threads)
    print(
        f"Palliare load check: {args.clients} clients per phase, {args.seconds:.0f} s each; "
        f"gunicorn {args.workers} workers × {args.threads} threads; PostgreSQL "
        f"({args.database_url.rsplit('/', 1)[1]}, {args.patients} patients); "
        f"{os.cpu_count()} CPUs"
    )
    try:
        rows = asyncio.run(
            rows_per_request(args.port, sessions[-1], bsns[0], client_id, secret, patients[0])
        )
        print("access-log rows per request: " + ", ".join(f"{k} {v}" for k, v in rows.items()))
        connections.close_all()
        before = audit_rows()
        acute = asyncio.run(acute_phase(args.port, sessions[:-1], bsns, args.seconds))
        fhir = asyncio.run(
            fhir_phase(args.port, args.clients, client_id, secret, paths, args.seconds)
        )
        after = audit_rows()
    finally:
        server.terminate()
        server.wait(timeout=30)

    report("acute (search by BSN, then the summary)", acute)
    report("FHIR (token, then reads and searches)", fhir)
    ok = Counter({k: len(v) for r in (acute, fhir) for k, v in r.latencies.items()})
    expected = sum(rows.get(kind, 0) * n for kind, n in ok.items())
    errors = acute.total_errors + fhir.total_errors
    print(
        f"\naccess log: {after - before} rows written during the load, {expected} expected "
        f"from {sum(ok[k] for k in READS)} successful reads and "
        f"{sum(ok.values()) - sum(ok[k] for k in READS)} other successful requests"
    )
    chain = audit.verify_chain()
    print(f"access-log chain: {chain.checked} rows, {'intact' if chain.ok else chain.broken}")
    problems = verdict(rows, ok, errors, after - before, chain.broken)
    if problems:
        print("\nFAILED: " + "; ".join(problems))
        raise SystemExit(1)
    print("\nOK: no failed request, every successful read in the access log, chain intact.")


if __name__ == "__main__":
    main()
