"""Benchmark: the acute view's requests in-process (Django test client, no HTTP server).

    .venv/bin/python bench/acute_inprocess.py [--requests 300] [--rounds 3] [--breakdown]
        [--database-url postgres://postgres@127.0.0.1:5432/palliare_bench]

Uses the database ``bench/acute_view.py`` loads (run that first). Prints the median time of the
acute summary, the floor's open, the acute search and the floor's search, each round, and the
ratio of search + summary to the floor's. ``--breakdown`` also times the parts of the summary
(access path, summary context, template) and every SQL statement it runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench"), str(ROOT)]

import acute_view  # noqa: E402


def median_ms(call: Callable[[int], Any], n: int) -> float:
    samples = []
    for i in range(n):
        start = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--breakdown", action="store_true")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/palliare_bench"
    )
    args = parser.parse_args()
    acute_view.setup_django(args.database_url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from palliare.patients.models import Patient

    call_command("migrate", verbosity=0)
    session_key, _csrf, bsns = acute_view.session_for_bench_user()
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    ids = list(Patient.objects.filter(bsn__in=bsns[:300]).values_list("pk", flat=True))
    # The summary opens only for a patient this session found: its address from the search.
    summaries = [client.post("/acute/", {"bsn": bsn})["Location"] for bsn in bsns[:300]]

    def get(url: str, status: int) -> None:
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)

    def post(url: str, bsn: str, status: int) -> None:
        response = client.post(url, {"bsn": bsn})
        assert response.status_code == status, (url, response.status_code)

    calls: dict[str, Callable[[int], Any]] = {
        "acute summary": lambda i: get(summaries[i % len(summaries)], 200),
        "floor open": lambda i: get(f"/bench/floor/{ids[i % len(ids)]}/", 200),
        "acute search": lambda i: post("/acute/", bsns[i % len(bsns)], 302),
        "floor search": lambda i: post("/bench/floor/search/", bsns[i % len(bsns)], 303),
    }
    for call in calls.values():
        for i in range(30):
            call(i)
    for round_number in range(1, args.rounds + 1):
        medians = {name: median_ms(call, args.requests) for name, call in calls.items()}
        ratio = (medians["acute summary"] + medians["acute search"]) / (
            medians["floor open"] + medians["floor search"]
        )
        print(
            f"round {round_number}: "
            + ", ".join(f"{name} {ms:.2f} ms" for name, ms in medians.items())
            + f"; search + summary {ratio:.2f}× the floor"
        )
    if args.breakdown:
        breakdown(calls["acute summary"], args.requests, connection)


def breakdown(summary: Callable[[int], Any], n: int, connection: Any) -> None:
    """Median time of the summary's parts and of each SQL statement, over n requests."""
    from palliare.acute import access, views

    timings: dict[str, list[float]] = defaultdict(list)

    def timed(module: Any, name: str) -> None:
        original = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timings[name].append((time.perf_counter() - start) * 1000)

        setattr(module, name, wrapper)

    for module, name in (
        (access, "open_acute_summary"),
        (views, "_summary_context"),
        (views, "render"),
    ):
        timed(module, name)

    def sql_timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings["sql: " + sql[:60]].append((time.perf_counter() - start) * 1000)

    with connection.execute_wrapper(sql_timer):
        total = median_ms(summary, n)
    print(f"acute summary {total:.2f} ms, of which (median per request):")
    for name, values in timings.items():
        per_request = statistics.median(values) * len(values) / n
        print(f"  {per_request:6.3f} ms  {name}")


if __name__ == "__main__":
    main()
