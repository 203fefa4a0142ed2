"""Benchmark of "who do I call now?" and the rota's coverage check.

Builds a region of 4 subregions with office hours per subregion, out-of-hours slots region-wide
and one dated slot per subregion per working day for 12 weeks (~240 dated slots), in a fresh
SQLite database (or DATABASE_URL), then prints median timings. Run:

    .venv/bin/python bench/rota.py
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palliare.conf.ci")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="palliare-bench-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402


def median_ms(func, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    call_command("migrate", verbosity=0)
    from palliare.consultations import services
    from palliare.consultations.factories import (
        ConsultationTeamFactory,
        DatedSlotFactory,
        WeeklySlotFactory,
    )
    from palliare.organizations.factories import (
        MunicipalityFactory,
        PostcodeAreaFactory,
        RegionFactory,
        SubregionFactory,
    )

    region = RegionFactory(code="bench", name="Benchregio")
    anw = ConsultationTeamFactory(subregion=None)
    for trait in ("evenings", "nights", "weekends_and_holidays"):
        WeeklySlotFactory(subregion=None, region=region, team=anw, **{trait: True})
    subregions = []
    for n in range(4):
        sub = SubregionFactory(region=region, code=f"bench-{n}")
        PostcodeAreaFactory(pc4=f"{9400 + n}", municipality=MunicipalityFactory(subregion=sub))
        office = ConsultationTeamFactory(subregion=sub)
        WeeklySlotFactory(subregion=sub, region=region, team=office, office_hours=True)
        subregions.append((sub, office))
    today = timezone.localdate()
    dated = 0
    for offset in range(84):
        day = today + dt.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for sub, office in subregions:
            DatedSlotFactory(
                subregion=sub,
                region=region,
                team=office,
                date=day,
                start_time=dt.time(12),
                end_time=dt.time(13),
            )
            dated += 1
    print(f"rota: 4 subregions, 7 weekly slots, {dated} dated slots")
    now = timezone.now()
    issues = sum(r.issue_count for r in services.coverage(now, weeks=12))
    print(f"coverage problems found in 12 weeks: {issues} (expected 0)")
    who = median_ms(lambda: services.who_to_call("9401", now), 200)
    print(f"who_to_call(pc4, now)          median {who:7.2f} ms  (200 runs)")
    for weeks in (2, 4, 12):
        cov = median_ms(lambda w=weeks: services.coverage(now, weeks=w), 20)
        print(f"coverage({weeks:>2} weeks, 4 subregions) median {cov:7.2f} ms  (20 runs)")


if __name__ == "__main__":
    main()
