"""Benchmark: the acute view's requests in-process (Django test client, no HTTP server).

    .venv/bin/python bench/acute_inprocess.py [--requests 300] [--rounds 3] [--breakdown]
        [--database-url postgres://postgres@127.0.0.1:5432/palliare_bench]

Uses the database ``bench/acute_view.py`` loads (run that first). Prints the median time of the
acute summary, the floor's open, the acute search and the floor's search, each round, and the
ratio of search + summary to the floor's. ``--breakdown`` also times the parts of the summary
(access path, summary context, template) and every SQL statement it runs.

``--compare-precompiled`` instead measures the acute search and summary with the setting
``PRECOMPILED_QUERIES`` on and off in alternating rounds (on, off, off, on, …) in the same
process, and prints per round the median wall time and the CPU time per request of each, and
the ratio off / on (decision 0021, docs/performance.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager
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
    parser.add_argument("--compare-precompiled", action="store_true")
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
    if args.compare_precompiled:
        from django.test import override_settings

        compare(
            {"acute search": calls["acute search"], "acute summary": calls["acute summary"]},
            {
                "on": lambda: override_settings(PRECOMPILED_QUERIES=True),
                "off": lambda: override_settings(PRECOMPILED_QUERIES=False),
            },
            args.requests,
            args.rounds,
        )
        return
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


def median_ms_and_cpu(call: Callable[[int], Any], n: int) -> tuple[float, float]:
    """Median wall milliseconds per call and this process's CPU milliseconds per call."""
    cpu = time.process_time()
    wall = median_ms(call, n)
    return wall, (time.process_time() - cpu) * 1000 / n


def compare(
    calls: dict[str, Callable[[int], Any]],
    variants: dict[str, Callable[[], AbstractContextManager[Any]]],
    n: int,
    rounds: int,
) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """Each call under each variant in alternating order per round (a, b, …, then reversed),
    so that the variants see the same machine; prints each round and the median ratios of
    every variant against the first. Returns {variant: {call: [(wall, cpu), …]}}."""
    names = list(variants)
    results: dict[str, dict[str, list[tuple[float, float]]]] = {
        v: {c: [] for c in calls} for v in names
    }
    for round_number in range(1, rounds + 1):
        order = names if round_number % 2 else names[::-1]
        for variant in order:
            with variants[variant]():
                for call_name, call in calls.items():
                    for i in range(10):
                        call(i)
                    results[variant][call_name].append(median_ms_and_cpu(call, n))
        print(
            f"round {round_number}: "
            + "; ".join(
                f"{variant}: "
                + ", ".join(
                    f"{call} {results[variant][call][-1][0]:.2f} ms "
                    f"({results[variant][call][-1][1]:.2f} ms CPU)"
                    for call in calls
                )
                for variant in names
            ),
            flush=True,
        )
    base = names[0]
    print(f"median over {rounds} rounds (wall ms / CPU ms per request; ratio to '{base}'):")
    for variant in names:
        parts = []
        for call in calls:
            wall = statistics.median(w for w, _c in results[variant][call])
            cpu = statistics.median(c for _w, c in results[variant][call])
            ratios = [
                w / b
                for (w, _c), (b, _d) in zip(
                    results[variant][call], results[base][call], strict=True
                )
            ]
            parts.append(f"{call} {wall:.2f} / {cpu:.2f} ms ({statistics.median(ratios):.2f}×)")
        print(f"  {variant:>24}: " + ", ".join(parts))
    return results


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
