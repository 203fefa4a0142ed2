"""Benchmark: the "who looked at my record" report (NEN 7513) on a large access log.

    .venv/bin/python bench/access_report.py [--events 2000000] [--patients 150000]
        [--database-url postgres://postgres@127.0.0.1:5432/palliare_bench_audit]

Every read of patient data writes an access-log row, and the log is kept for years, so it
becomes the largest table. The report finds one patient's events: rows about that patient
(``patient_id``) and list views that showed them among others (``patient_ids``).

1. Creates/migrates its own database and bulk-loads N synthetic events (COPY): 90 % about one
   patient, 10 % list views showing 25 patients each, spread over two years. The rows are not
   hash-chained (the chain is not what is measured). Skipped when the log already holds N rows.
2. For 30 random patients, times the report's query as the page runs it (count for the
   paginator, then the first 100 rows), and prints median and maximum, the rows found and
   the plan's access path.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

import acute_view  # noqa: E402

LIST_SHARE = 0.10
LIST_SIZE = 25


def load(events: int, patients: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from palliare.audit.models import AuditChainHead, AuditEvent

    call_command("migrate", verbosity=0)
    have = AuditEvent.objects.count()
    if have >= events:
        print(f"access log holds {have} events: load skipped")
        return
    rng = random.Random(11)
    start = time.perf_counter()
    first = have + 1
    with connection.cursor() as django_cursor:
        cur = django_cursor.cursor
        with cur.copy(
            "COPY audit_auditevent (sequence, occurred_at, event_type, action, outcome, "
            "patient_id, patient_ids, subject_type, subject_id, actor_user_id, actor_name, "
            "actor_client_id, on_behalf_of_user_id, on_behalf_of_name, organization_id, "
            "organization_name, role, purpose, reason, request_id, client_ip, user_agent, "
            "details, prev_hash, hash) FROM STDIN"
        ) as copy:
            for sequence in range(first, events + 1):
                when = 1_730_000_000 + sequence * 63_000_000 // events
                stamp = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(when))
                if rng.random() < LIST_SHARE:
                    shown = sorted(rng.sample(range(1, patients + 1), LIST_SIZE))
                    patient, listed, kind = None, f",{','.join(map(str, shown))},", "register.list"
                else:
                    patient, listed, kind = rng.randrange(1, patients + 1), "", "patient.read"
                digest = f"{sequence:064x}"
                copy.write_row(
                    (
                        sequence,
                        stamp,
                        kind,
                        "R",
                        "success",
                        patient,
                        listed,
                        "",
                        "",
                        rng.randrange(1, 2000),
                        "Synthetische Gebruiker",
                        "",
                        None,
                        "",
                        rng.randrange(1, 200),
                        "Synthetische Organisatie",
                        "gp",
                        "treatment",
                        "",
                        "",
                        None,
                        "bench",
                        "{}",
                        f"{sequence - 1:064x}",
                        digest,
                    )
                )
        cur.execute("ANALYZE audit_auditevent")
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"last_sequence": events, "last_hash": f"{events:064x}"}
    )
    print(f"loaded {events - first + 1} events in {time.perf_counter() - start:.1f} s")


def measure(patients: int, samples: int) -> None:
    from django.core.paginator import Paginator
    from django.db import connection

    from palliare.audit import report
    from palliare.audit.report import REPORT_PER_PAGE
    from palliare.patients.models import Patient

    rng = random.Random(5)
    timings, found = [], []
    for _ in range(samples):
        patient = Patient(pk=rng.randrange(1, patients + 1))
        start = time.perf_counter()
        page = Paginator(report.events_for(patient), REPORT_PER_PAGE).get_page(1)
        rows = list(report.rows(page.object_list, patient.pk))
        timings.append((time.perf_counter() - start) * 1000)
        found.append(page.paginator.count)
        assert len(rows) == min(REPORT_PER_PAGE, page.paginator.count)
    sql, params = report.events_for(Patient(pk=1)).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    scans = [line.strip() for line in plan if "Scan" in line]
    print(
        f"report first page (count + 100 rows), {samples} patients: "
        f"median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms; "
        f"events per patient median {statistics.median(found):.0f}"
    )
    print("plan: " + " | ".join(scans))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--patients", type=int, default=150_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/palliare_bench_audit"
    )
    args = parser.parse_args()
    acute_view.ensure_database(args.database_url)
    acute_view.setup_django(args.database_url)
    load(args.events, args.patients)
    measure(args.patients, args.samples)


if __name__ == "__main__":
    main()
