"""Benchmark: search near a postcode over all 4,067 PC4 areas with 2,000 facilities.

Builds a throw-away database (Django's test database: SQLite file, or test_<name> on the server
named by DATABASE_URL), imports the reference data (every PC4 area of the Netherlands), adds
2,000 facilities with a bed report at random postcode areas and 200 district-nursing services
with service areas, intake statements and assessments, then times the search for every PC4 area
and prints median, p95, p99 and maximum in milliseconds.

    .venv/bin/python bench/search_near_postcode.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/palliare_bench \\
        .venv/bin/python bench/search_near_postcode.py

Options: --facilities N, --services N, --queries N (default: every PC4 area), --http N (also
time N requests to /api/v1/search/ through the whole stack), --seed N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palliare.conf.ci")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(label: str, timings: list[tuple[float, float]]) -> str:
    """Wall-clock figures, and this process's CPU time (which contention does not inflate)."""
    ms = [wall * 1000 for wall, _cpu in timings]
    cpu = [c * 1000 for _wall, c in timings]
    return (
        f"{label:<36} n={len(ms):>5}  wall ms: median {statistics.median(ms):6.2f}  "
        f"p95 {percentile(ms, 0.95):6.2f}  p99 {percentile(ms, 0.99):6.2f}  "
        f"max {max(ms):7.2f} | cpu ms: median {statistics.median(cpu):6.2f}  "
        f"p99 {percentile(cpu, 0.99):6.2f}"
    )


def build(facilities: int, services: int, rng: random.Random) -> None:
    from django.db import transaction
    from django.utils import timezone

    from palliare.capacity.constants import AdmissionStatus, Channel, FacilityKind, IntakeStatus
    from palliare.capacity.models import (
        BedStatus,
        DistrictNursingService,
        Facility,
        IntakeStatusChange,
        QualityAssessment,
        QualityAssessmentItem,
        QualityRequirement,
    )
    from palliare.capacity.quality import default_valid_until
    from palliare.organizations.constants import OrganizationType
    from palliare.organizations.models import Location, Municipality, Organization, PostcodeArea
    from palliare.organizations.reference_data import import_reference_data

    import_reference_data(None)
    areas = list(PostcodeArea.objects.values_list("pc4", flat=True))
    municipalities = list(Municipality.objects.values_list("pk", flat=True))
    now = timezone.now()
    kinds = list(FacilityKind.values)
    with transaction.atomic():
        orgs = Organization.objects.bulk_create(
            Organization(name=f"Voorziening {n}", type=OrganizationType.HOSPICE, is_public=True)
            for n in range(facilities)
        )
        locations = Location.objects.bulk_create(
            Location(
                organization=org,
                street="Benchstraat",
                house_number=str(n),
                postcode=f"{pc4} AA",
                postcode_area_id=pc4,
                city="Bench",
            )
            for n, (org, pc4) in enumerate(zip(orgs, rng.choices(areas, k=facilities), strict=True))
        )
        made = Facility.objects.bulk_create(
            Facility(organization=org, location=loc, kind=rng.choice(kinds))
            for org, loc in zip(orgs, locations, strict=True)
        )
        statuses = []
        for facility in made:
            beds = rng.randint(2, 12)
            statuses.append(
                BedStatus(
                    facility=facility,
                    beds=beds,
                    free_beds=rng.choice([0, 0, 1, 2, beds // 2]),
                    admission_status=rng.choice(
                        [AdmissionStatus.OPEN] * 9 + [AdmissionStatus.CLOSED]
                    ),
                    recorded_at=now - dt.timedelta(hours=rng.uniform(0, 72)),
                    channel=Channel.DEMO,
                )
            )
        BedStatus.objects.bulk_create(statuses)
        for facility, status in zip(made, statuses, strict=True):
            facility.current_status = status
        Facility.objects.bulk_update(made, ["current_status"], batch_size=500)

        requirements = QualityRequirement.objects.bulk_create(
            QualityRequirement(code=f"eis-{n}", title=f"Eis {n}", order=n) for n in range(6)
        )
        dn_orgs = Organization.objects.bulk_create(
            Organization(name=f"Wijkverpleging {n}", type=OrganizationType.DISTRICT_NURSING)
            for n in range(services)
        )
        Location.objects.bulk_create(
            Location(
                organization=org,
                street="Wijkstraat",
                house_number="1",
                postcode=f"{pc4} AB",
                postcode_area_id=pc4,
                city="Bench",
            )
            for org, pc4 in zip(dn_orgs, rng.choices(areas, k=services), strict=True)
        )
        dn = DistrictNursingService.objects.bulk_create(
            DistrictNursingService(organization=org) for org in dn_orgs
        )
        through = DistrictNursingService.municipalities.through
        through.objects.bulk_create(
            through(districtnursingservice_id=s.pk, municipality_id=m)
            for s in dn
            for m in rng.sample(municipalities, 3)
        )
        pc4_through = DistrictNursingService.postcode_areas.through
        pc4_through.objects.bulk_create(
            pc4_through(districtnursingservice_id=s.pk, postcodearea_id=p)
            for s in dn
            for p in rng.sample(areas, 10)
        )
        intakes = IntakeStatusChange.objects.bulk_create(
            IntakeStatusChange(
                service=s, status=rng.choice(IntakeStatus.values), channel=Channel.DEMO
            )
            for s in dn
        )
        for s, intake in zip(dn, intakes, strict=True):
            s.current_intake = intake
        DistrictNursingService.objects.bulk_update(dn, ["current_intake"])
        today = timezone.localdate()
        for s in dn:
            assessed = today - dt.timedelta(days=rng.randint(0, 900))
            assessment = QualityAssessment.objects.create(
                service=s,
                assessed_on=assessed,
                valid_until=default_valid_until(assessed),
                assessor="Bench",
            )
            QualityAssessmentItem.objects.bulk_create(
                QualityAssessmentItem(
                    assessment=assessment,
                    requirement=r,
                    requirement_title=r.title,
                    met=rng.random() > 0.1,
                )
                for r in requirements
            )


def timed(function: Callable[[], object]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of this process)."""
    start, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=2000)
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--queries", type=int, default=0, help="0: every PC4 area")
    parser.add_argument("--http", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    workdir = tempfile.mkdtemp(prefix="palliare-bench-")
    if connection.vendor == "sqlite":
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{workdir}/bench.sqlite3"
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        rng = random.Random(args.seed)
        started = time.perf_counter()
        build(args.facilities, args.services, rng)
        version = (
            connection.Database.sqlite_version
            if connection.vendor == "sqlite"
            else connection.cursor().connection.info.server_version
        )
        print(
            f"database: {connection.vendor} {version}; built in "
            f"{time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.2f} "
            f"on {os.cpu_count()} CPUs"
        )
        run(args, rng)
    finally:
        teardown_databases(old, verbosity=0)


def run(args: argparse.Namespace, rng: random.Random) -> None:
    from conftest import login_verified
    from django.test import Client

    from palliare.accounts.factories import role
    from palliare.accounts.permissions import RoleCode
    from palliare.capacity.models import DistrictNursingService, Facility
    from palliare.capacity.search import facilities_near, nursing_near, resolve_postcode
    from palliare.organizations.factories import MembershipFactory
    from palliare.organizations.models import PostcodeArea

    areas = list(PostcodeArea.objects.select_related("municipality").order_by("pc4"))
    print(
        f"data: {len(areas)} PC4 areas, {Facility.objects.count()} facilities "
        f"({Facility.objects.available().count()} with a free bed), "
        f"{DistrictNursingService.objects.count()} district-nursing services"
    )
    sample = areas if not args.queries else rng.sample(areas, args.queries)
    for area in sample[:50]:  # warm up caches and connections
        facilities_near(area)
        nursing_near(area)

    beds, nursing, whole = [], [], []
    for area in sample:
        beds.append(timed(lambda a=area: facilities_near(a)))
        nursing.append(timed(lambda a=area: nursing_near(a)))
        whole.append(
            timed(
                lambda a=area: (
                    facilities_near(p := resolve_postcode(a.pc4)),
                    nursing_near(p),
                )
            )
        )
    print(summary("facilities with a free bed (25)", beds))
    print(summary("district nursing serving the area", nursing))
    print(summary("postcode + both searches", whole))

    if args.http:
        user = MembershipFactory(role=role(RoleCode.GP)).professional.user
        client = login_verified(Client(), user)
        picks = rng.sample(areas, min(args.http, len(areas)))
        client.get(f"/api/v1/search/?postcode={picks[0].pc4}")
        http = []
        for area in picks:

            def get(pc4: str = area.pc4) -> None:
                response = client.get(f"/api/v1/search/?postcode={pc4}")
                assert response.status_code == 200, response.content

            http.append(timed(get))
        print(summary("GET /api/v1/search/ (whole stack)", http))
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
