# ruff: noqa: S608, E501  (the floor is SQL built from constants in this file, no input)
"""Benchmark: recomputing every computed KPI at national scale against a hand-written SQL floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/palliare_bench_mon \\
        .venv/bin/python bench/monitoring.py [--sizes 17000,85000,170000] [--rounds 3]

Creates a throw-away test database (``test_<name>``) and fills it with bulk_create, size by size
(each size adds to the one before), with one year (2025) of a national register: deaths with
their (current, sometimes corrected) death registrations and the patients behind them — markings,
care-team members (district nursing, central contacts), care-plan versions, acute-care consent,
PaTz/MDO meetings with agenda items, informal caregivers with burden checks, volunteers — plus
consultation requests with response times and facilities with a daily bed history. The
geography is fixed: 25 regions, 100 subregions, 342 municipalities, 4,000 postcode areas; GP
practices (one per 35 deaths), facilities (one per 250) and consultation teams grow with size.

At each size it prints, per computed KPI, the time of the real rule (the year and its four
quarters with every breakdown, as a recomputation calls it, inside ``rules.year_cache``) beside a
floor — one hand-written SQL aggregate query per KPI (GROUPING SETS over the same areas, periods
and subgroups) on the same data — and their ratio; then the whole recomputation through the
service (``services.recompute_now(full=True)``, which also stores the values). Rounds are
interleaved (rule, floor, rule, floor, …); times are medians; CPU is this process's
``time.process_time`` plus the PostgreSQL backend's CPU (utime + stime of ``pg_backend_pid()``
from /proc, same machine). Finally the growth of both from the smallest to the largest size.
Figures, never assertions. PostgreSQL only (the floor uses GROUPING SETS and percentiles).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palliare.conf.ci")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

YEAR = 2025
BSN_BASE = 20_000_000
REGIONS, SUBREGIONS, MUNICIPALITIES, PC4S = 25, 100, 342, 4000
DEATHS_PER_PRACTICE = 35
DEATHS_PER_FACILITY = 250
DEATHS_PER_TEAM = 1500
CONSULTATIONS_PER_DEATH = 0.3


class World:
    """The fixed geography and the organisations made so far."""

    def __init__(self) -> None:
        self.subregions: list[Any] = []
        self.pc4_by_sub: dict[int, list[str]] = {}
        self.practices: list[Any] = []
        self.nursing: dict[int, Any] = {}
        self.teams: list[Any] = []
        self.core_teams: list[Any] = []
        self.volunteers: Any = None
        self.user: Any = None
        self.deaths = 0


def geography(world: World) -> None:
    from palliare.accounts.factories import UserFactory
    from palliare.meetings.models import CoreTeam
    from palliare.organizations.constants import OrganizationType
    from palliare.organizations.models import (
        Municipality,
        Organization,
        PostcodeArea,
        Region,
        Subregion,
    )

    regions = Region.objects.bulk_create(
        Region(code=f"bench-r{n}", name=f"Netwerk {n}") for n in range(REGIONS)
    )
    world.subregions = Subregion.objects.bulk_create(
        Subregion(region=regions[n % REGIONS], code=f"bench-s{n}", name=f"Subregio {n}")
        for n in range(SUBREGIONS)
    )
    municipalities = Municipality.objects.bulk_create(
        Municipality(
            gm_code=f"GM{9000 - n:04d}"[-6:],
            name=f"Gemeente {n}",
            province_code="PV00",
            province="Bench",
            subregion=world.subregions[n % SUBREGIONS],
        )
        for n in range(MUNICIPALITIES)
    )
    areas = PostcodeArea.objects.bulk_create(
        PostcodeArea(
            pc4=str(1000 + n),
            municipality=municipalities[n % MUNICIPALITIES],
            latitude=52.0,
            longitude=5.0,
        )
        for n in range(PC4S)
    )
    for area in areas:
        sub = area.municipality.subregion_id
        world.pc4_by_sub.setdefault(sub, []).append(area.pc4)
    world.nursing = {
        s.pk: org
        for s, org in zip(
            world.subregions,
            Organization.objects.bulk_create(
                Organization(
                    name=f"Wijkverpleging {s.name}",
                    type=OrganizationType.DISTRICT_NURSING,
                    subregion=s,
                )
                for s in world.subregions
            ),
            strict=True,
        )
    }
    world.volunteers = Organization.objects.create(
        name="VPTZ", type=OrganizationType.VOLUNTEER_ORGANIZATION
    )
    world.user = UserFactory()
    world.core_teams = CoreTeam.objects.bulk_create(
        CoreTeam(name=f"Kernteam {n}", created_by=world.user) for n in range(200)
    )


def grow(world: World, target: int, rng: random.Random) -> dict[str, int]:
    """Add deaths (and everything behind them) until the register holds ``target``."""
    from django.utils import timezone

    from palliare.capacity.constants import AdmissionStatus, Channel, FacilityKind
    from palliare.capacity.models import BedStatus, Facility
    from palliare.careplans.models import CarePlan, CarePlanVersion
    from palliare.consultations.constants import (
        RESPONSE_TARGET,
        AgeGroup,
        ConsultationStatus,
        Dimension,
        Urgency,
    )
    from palliare.consultations.constants import DiagnosisGroup as ConsultDiagnosis
    from palliare.consultations.models import ConsultationRequest
    from palliare.meetings.constants import MeetingStatus
    from palliare.meetings.models import AgendaItem, Meeting
    from palliare.organizations.constants import OrganizationType
    from palliare.organizations.models import Location, Organization
    from palliare.patients.constants import (
        CareTeamRole,
        ConsentScope,
        DiagnosisGroup,
        PlaceOfDeath,
        VolunteerStatus,
        YesNoUnknown,
    )
    from palliare.patients.models import (
        BurdenCheck,
        CareTeamMember,
        Consent,
        DeathRegistration,
        InformalCaregiver,
        Marking,
        Patient,
        VolunteerDeployment,
    )
    from palliare.patients.validators import make_bsn

    tz = timezone.get_current_timezone()
    first, n_new = world.deaths, target - world.deaths
    # Organisations that grow with the register.
    want = target // DEATHS_PER_PRACTICE - len(world.practices)
    world.practices += Organization.objects.bulk_create(
        Organization(
            name=f"Huisartsenpraktijk {len(world.practices) + i}",
            type=OrganizationType.GP_PRACTICE,
            subregion=world.subregions[(len(world.practices) + i) % SUBREGIONS],
        )
        for i in range(want)
    )
    want = max(1, target // DEATHS_PER_TEAM) - len(world.teams)
    world.teams += Organization.objects.bulk_create(
        Organization(
            name=f"Consultatieteam {len(world.teams) + i}",
            type=OrganizationType.CONSULTATION_TEAM,
            subregion=world.subregions[(len(world.teams) + i) % SUBREGIONS],
        )
        for i in range(want)
    )
    places = list(PlaceOfDeath)
    diagnoses = list(DiagnosisGroup)
    patients, plan = [], []
    for n in range(first, target):
        practice = world.practices[rng.randrange(len(world.practices))]
        died = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(365))
        pcs = world.pc4_by_sub[practice.subregion_id]
        postcode = f"{rng.choice(pcs)}AA" if rng.random() < 0.97 else ""
        patients.append(
            Patient(
                bsn=make_bsn(BSN_BASE + n * 7),
                given_name="Bench",
                family_name=f"Patiënt {n}",
                date_of_birth=dt.date(YEAR - rng.randint(40, 101), rng.randint(1, 12), 15),
                postcode=postcode,
                postcode_area_id=postcode[:4] or None,
                gp_practice=practice,
                diagnosis_group=rng.choice(diagnoses),
                date_of_death=died,
                is_synthetic=True,
            )
        )
        plan.append(died)
    Patient.objects.bulk_create(patients, batch_size=5000)
    rows: dict[str, list[Any]] = {
        k: []
        for k in (
            "marking",
            "member",
            "consent",
            "death",
            "carer",
            "volunteer",
            "version",
            "agenda",
        )
    }
    checks: list[tuple[int, dt.date]] = []
    plans: list[tuple[Any, dt.date]] = []
    meetings: dict[tuple[int, int], Meeting] = {}
    for patient, died in zip(patients, plan, strict=True):
        expected = rng.random() < 0.85
        marked_on = (
            died - dt.timedelta(days=rng.randint(1, 300))
            if expected and rng.random() < 0.6
            else None
        )
        if marked_on:
            rows["marking"].append(
                Marking(
                    patient=patient,
                    marked_on=marked_on,
                    diagnosis_group=patient.diagnosis_group,
                    surprise_question="no",
                    marked_by=world.user,
                    marked_by_name="Huisarts",
                    organization=patient.gp_practice,
                )
            )
            rows["member"].append(
                CareTeamMember(
                    patient=patient,
                    organization=world.nursing[patient.gp_practice.subregion_id],
                    role=CareTeamRole.DISTRICT_NURSE,
                    is_central_contact=True,
                    started_at=dt.datetime.combine(
                        marked_on + dt.timedelta(days=rng.randint(0, 30)), dt.time(10), tzinfo=tz
                    ),
                )
            )
            if rng.random() < 0.45:
                when = marked_on + dt.timedelta(days=rng.randint(0, 40))
                team = world.core_teams[patient.gp_practice_id % len(world.core_teams)]
                key = (team.pk, when.isocalendar()[0] * 100 + when.isocalendar()[1])
                if key not in meetings:
                    meetings[key] = Meeting(
                        core_team=team,
                        starts_at=dt.datetime.combine(when, dt.time(12), tzinfo=tz),
                        status=MeetingStatus.HELD,
                        held_at=dt.datetime.combine(when, dt.time(13), tzinfo=tz),
                        created_by=world.user,
                    )
                rows["agenda"].append((meetings[key], patient))
        if expected and rng.random() < 0.3:
            made = died - dt.timedelta(days=rng.randint(-10, 120))
            plans.append((patient, made))
            if rng.random() < 0.5:
                rows["consent"].append(
                    Consent(
                        patient=patient,
                        scope=ConsentScope.ACUTE_CARE,
                        given_on=made,
                        recorded_by=world.user,
                        recorded_by_name="Huisarts",
                    )
                )
        known = rng.random() < 0.6
        for version in (1, 2) if rng.random() < 0.03 else (1,):
            rows["death"].append(
                DeathRegistration(
                    patient=patient,
                    version=version,
                    date_of_death=died,
                    place_of_death=rng.choice(places),
                    expected=YesNoUnknown.YES if expected else YesNoUnknown.NO,
                    preferred_place_known=YesNoUnknown.YES if known else YesNoUnknown.UNKNOWN,
                    preferred_place=PlaceOfDeath.HOME if known else "",
                    preferred_place_achieved=rng.choice([YesNoUnknown.YES, YesNoUnknown.NO])
                    if known
                    else YesNoUnknown.UNKNOWN,
                    palliative_sedation=YesNoUnknown.NO,
                    hospital_admissions_30d=rng.choice([0, 0, 1, 2, None]),
                    emergency_visits_30d=rng.choice([0, 0, 1, None]),
                    had_care_plan=YesNoUnknown.YES if rng.random() < 0.1 else YesNoUnknown.NO,
                    recorded_by=world.user,
                    recorded_by_name="Huisarts",
                    organization=patient.gp_practice,
                )
            )
        if expected and rng.random() < 0.6:
            rows["carer"].append(
                InformalCaregiver(patient=patient, name="Naaste", relation="partner")
            )
            if rng.random() < 0.55:
                checks.append(
                    (len(rows["carer"]) - 1, died - dt.timedelta(days=rng.randint(0, 60)))
                )
        if expected and rng.random() < 0.1:
            rows["volunteer"].append(
                VolunteerDeployment(
                    patient=patient,
                    status=VolunteerStatus.ACTIVE,
                    organization=world.volunteers,
                    recorded_by=world.user,
                    recorded_by_name="VPTZ",
                    created_at=dt.datetime.combine(
                        died - dt.timedelta(days=rng.randint(0, 30)), dt.time(10), tzinfo=tz
                    ),
                )
            )
    Marking.objects.bulk_create(rows["marking"], batch_size=5000)
    CareTeamMember.objects.bulk_create(rows["member"], batch_size=5000)
    Consent.objects.bulk_create(rows["consent"], batch_size=5000)
    DeathRegistration.objects.bulk_create(rows["death"], batch_size=5000)
    InformalCaregiver.objects.bulk_create(rows["carer"], batch_size=5000)
    BurdenCheck.objects.bulk_create(
        (
            BurdenCheck(
                caregiver=rows["carer"][i],
                checked_on=day,
                score=5,
                checked_by=world.user,
                checked_by_name="POH",
            )
            for i, day in checks
        ),
        batch_size=5000,
    )
    VolunteerDeployment.objects.bulk_create(rows["volunteer"], batch_size=5000)
    Meeting.objects.bulk_create(list(meetings.values()), batch_size=5000)
    AgendaItem.objects.bulk_create(
        (
            AgendaItem(meeting=m, patient=p, section="newly_marked", reasons=[], position=i)
            for i, (m, p) in enumerate(rows["agenda"])
        ),
        batch_size=5000,
    )
    care_plans = CarePlan.objects.bulk_create(
        (CarePlan(patient=p) for p, _made in plans), batch_size=5000
    )
    CarePlanVersion.objects.bulk_create(
        (
            CarePlanVersion(
                plan=cp,
                number=1,
                content={},
                author=world.user,
                author_name="Huisarts",
                created_at=dt.datetime.combine(made, dt.time(11), tzinfo=tz),
            )
            for cp, (_p, made) in zip(care_plans, plans, strict=True)
        ),
        batch_size=5000,
    )
    # Consultation requests with response times.
    requests = []
    for _i in range(round(n_new * CONSULTATIONS_PER_DEATH)):
        urgency = rng.choice([Urgency.WITHIN_HOUR, Urgency.TODAY, Urgency.TODAY, Urgency.THIS_WEEK])
        asked = dt.datetime.combine(
            dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(365)),
            dt.time(rng.randrange(24), rng.randrange(60)),
            tzinfo=tz,
        )
        waited = dt.timedelta(
            seconds=max(60, int(RESPONSE_TARGET[urgency].total_seconds() * rng.uniform(0.05, 1.5)))
        )
        team = world.teams[rng.randrange(len(world.teams))]
        requests.append(
            ConsultationRequest(
                status=ConsultationStatus.CLOSED,
                urgency=urgency,
                dimension=rng.choice(list(Dimension)),
                question="Bench",
                age_group=rng.choice(list(AgeGroup)),
                diagnosis_group=rng.choice(list(ConsultDiagnosis)),
                subregion_id=team.subregion_id,
                team=team,
                requested_by=world.user,
                created_at=asked,
                respond_by=asked + RESPONSE_TARGET[urgency],
                accepted_at=asked + waited,
                time_to_first_response=waited,
            )
        )
    ConsultationRequest.objects.bulk_create(requests, batch_size=5000)
    # Facilities with a daily bed history for the year (plus a report before it).
    n_fac = max(1, target // DEATHS_PER_FACILITY) - Facility.objects.count()
    orgs = Organization.objects.bulk_create(
        Organization(
            name=f"Hospice {i}",
            type=OrganizationType.HOSPICE,
            subregion=world.subregions[rng.randrange(SUBREGIONS)],
        )
        for i in range(n_fac)
    )
    pcs = [rng.choice(world.pc4_by_sub[o.subregion_id]) for o in orgs]
    locations = Location.objects.bulk_create(
        Location(organization=o, postcode=f"{pc}AB", postcode_area_id=pc, city="Bench")
        for o, pc in zip(orgs, pcs, strict=True)
    )
    facilities = Facility.objects.bulk_create(
        Facility(organization=o, location=loc, kind=rng.choice(list(FacilityKind)))
        for o, loc in zip(orgs, locations, strict=True)
    )
    reports = []
    for facility in facilities:
        beds, free = rng.randint(4, 12), 1
        day = dt.date(YEAR - 1, 12, 31)
        while day.year <= YEAR:
            if rng.random() > 0.06:
                free = max(0, min(beds, free + rng.choice([-1, 0, 0, 1])))
                status = (
                    AdmissionStatus.ADMISSION_STOP if rng.random() < 0.02 else AdmissionStatus.OPEN
                )
                reports.append(
                    BedStatus(
                        facility=facility,
                        recorded_at=dt.datetime.combine(
                            day, dt.time(rng.randint(7, 12), rng.randrange(60)), tzinfo=tz
                        ),
                        beds=beds,
                        free_beds=free,
                        admission_status=status,
                        recorded_by_name="Coördinator",
                        channel=Channel.DEMO,
                    )
                )
            day += dt.timedelta(days=1)
    BedStatus.objects.bulk_create(reports, batch_size=5000)
    world.deaths = target
    return {
        "deaths": target,
        "registrations": DeathRegistration.objects.count(),
        "markings": Marking.objects.count(),
        "plans": CarePlanVersion.objects.count(),
        "agenda items": AgendaItem.objects.count(),
        "consultations": ConsultationRequest.objects.count(),
        "facilities": Facility.objects.count(),
        "bed reports": BedStatus.objects.count(),
    }


# --- the floor: one hand-written SQL aggregate per KPI -------------------------------------

TZ = "Europe/Amsterdam"


def _local_date(column: str) -> str:
    return f"({column} AT TIME ZONE '{TZ}')::date"


def _deaths_cte(start: dt.date, end: dt.date) -> str:
    return f"""
WITH d AS (
  SELECT dr.id, dr.patient_id, dr.date_of_death, p.gp_practice_id AS practice_id,
    EXTRACT(QUARTER FROM dr.date_of_death)::int AS q,
    COALESCE(ms.region_id, gs.region_id) AS region_id,
    COALESCE(m.subregion_id, g.subregion_id) AS subregion_id,
    pa.municipality_id, p.diagnosis_group AS dx,
    CASE WHEN date_part('year', age(dr.date_of_death, p.date_of_birth)) < 65 THEN '0-64'
         WHEN date_part('year', age(dr.date_of_death, p.date_of_birth)) < 75 THEN '65-74'
         WHEN date_part('year', age(dr.date_of_death, p.date_of_birth)) < 85 THEN '75-84'
         ELSE '85+' END AS age,
    dr.expected, dr.place_of_death, dr.preferred_place_known, dr.preferred_place_achieved,
    dr.hospital_admissions_30d, dr.emergency_visits_30d, dr.had_care_plan
  FROM patients_deathregistration dr
  JOIN patients_patient p ON p.id = dr.patient_id
  LEFT JOIN organizations_postcodearea pa ON pa.pc4 = p.postcode_area_id
  LEFT JOIN organizations_municipality m ON m.id = pa.municipality_id
  LEFT JOIN organizations_subregion ms ON ms.id = m.subregion_id
  LEFT JOIN organizations_organization g ON g.id = p.gp_practice_id
  LEFT JOIN organizations_subregion gs ON gs.id = g.subregion_id
  WHERE dr.date_of_death >= '{start}' AND dr.date_of_death < '{end}'
    AND NOT EXISTS (SELECT 1 FROM patients_deathregistration n
                    WHERE n.patient_id = dr.patient_id AND n.version > dr.version)
)"""


PLAN = f"""EXISTS (SELECT 1 FROM careplans_careplanversion v
  JOIN careplans_careplan c ON c.id = v.plan_id
  WHERE c.patient_id = d.patient_id AND {_local_date("v.created_at")} <= d.date_of_death)"""
ACUTE = """EXISTS (SELECT 1 FROM patients_consent c WHERE c.patient_id = d.patient_id
  AND c.scope = 'acute_care' AND c.given_on <= d.date_of_death
  AND (c.withdrawn_on IS NULL OR c.withdrawn_on > d.date_of_death))"""
MARKED = """EXISTS (SELECT 1 FROM patients_marking k WHERE k.patient_id = d.patient_id
  AND k.marked_on <= d.date_of_death)"""
DISCUSSED = f"""EXISTS (SELECT 1 FROM meetings_agendaitem a
  JOIN meetings_meeting mt ON mt.id = a.meeting_id
  WHERE a.patient_id = d.patient_id AND a.removed_at IS NULL AND mt.status = 'held'
  AND {_local_date("mt.starts_at")} <= d.date_of_death)"""
CARER = (
    """EXISTS (SELECT 1 FROM patients_informalcaregiver ic WHERE ic.patient_id = d.patient_id)"""
)
CHECKED = """EXISTS (SELECT 1 FROM patients_burdencheck b
  JOIN patients_informalcaregiver ic ON ic.id = b.caregiver_id
  WHERE ic.patient_id = d.patient_id AND b.checked_on <= d.date_of_death)"""
VOLUNTEER = f"""EXISTS (SELECT 1 FROM patients_volunteerdeployment vd
  WHERE vd.patient_id = d.patient_id AND vd.status = 'active'
  AND {_local_date("vd.created_at")} <= d.date_of_death)"""
EXPECTED = "d.expected = 'yes'"

#: rule key → (denominator condition, numerator condition, extra subgroup column or None)
DEATH_SHARES: dict[str, tuple[str, str, str | None]] = {
    "plan_before_death": (EXPECTED, f"({PLAN} OR d.had_care_plan = 'yes')", None),
    "plan_shared_acute": (EXPECTED, f"({PLAN} AND {ACUTE})", None),
    "marked_before_death": (EXPECTED, MARKED, None),
    "preferred_place_achieved": (
        "d.preferred_place_known = 'yes' AND d.preferred_place_achieved IN ('yes', 'no')",
        "d.preferred_place_achieved = 'yes'",
        None,
    ),
    "hospital_admission_30d": (
        f"{EXPECTED} AND d.hospital_admissions_30d IS NOT NULL",
        "d.hospital_admissions_30d >= 1",
        None,
    ),
    "emergency_visit_30d": (
        f"{EXPECTED} AND d.emergency_visits_30d IS NOT NULL",
        "d.emergency_visits_30d >= 1",
        None,
    ),
    "discussed_in_meeting": (f"{EXPECTED} AND {MARKED}", DISCUSSED, None),
    "caregiver_checked": (f"{EXPECTED} AND {CARER}", CHECKED, None),
    "volunteer_deployed": (
        EXPECTED,
        VOLUNTEER,
        "CASE WHEN d.place_of_death = 'home' THEN 'home' ELSE 'intramural' END",
    ),
    "place_of_death": ("TRUE", "d.place_of_death = 'home'", "d.place_of_death"),
}


def _grouping(extra: str | None) -> str:
    """Year and quarter × region, subregion, municipality, practice; for region and subregion
    also per age band, diagnosis group and the rule's own subgroup."""
    sets = []
    for q in ("", "q, "):
        for area in ("region_id", "subregion_id", "municipality_id", "practice_id"):
            sets.append(f"({q}{area})")
        for area in ("region_id", "subregion_id"):
            for sub in ("age", "dx", *(["x"] if extra else [])):
                sets.append(f"({q}{area}, {sub})")
    return ", ".join(sets)


def floor_death_share(key: str, start: dt.date, end: dt.date) -> str:
    denominator, numerator, extra = DEATH_SHARES[key]
    x = f", {extra} AS x" if extra else ""
    team = f"""
  SELECT ct.organization_id AS org, d.q, count(DISTINCT d.id) AS total,
    count(DISTINCT d.id) FILTER (WHERE num) AS num
  FROM e d JOIN patients_careteammember ct ON ct.patient_id = d.patient_id
  WHERE {_local_date("ct.started_at")} <= d.date_of_death AND ct.organization_id <> d.practice_id
  GROUP BY GROUPING SETS ((ct.organization_id), (ct.organization_id, d.q))"""
    return f"""{_deaths_cte(start, end)},
e AS (SELECT d.*, {numerator} AS num{x} FROM d WHERE {denominator})
SELECT 'g', region_id, subregion_id, municipality_id, practice_id, q, age, dx,
  {"x" if extra else "NULL"}, count(*), count(*) FILTER (WHERE num)
FROM e GROUP BY GROUPING SETS ({_grouping(extra)})
UNION ALL
SELECT 't', NULL, NULL, NULL, org, q, NULL, NULL, NULL, total, num FROM ({team}) t"""


def floor_marking_median(start: dt.date, end: dt.date) -> str:
    first = """(SELECT min(k.marked_on) FROM patients_marking k WHERE k.patient_id = d.patient_id
      AND k.marked_on <= d.date_of_death)"""
    return f"""{_deaths_cte(start, end)},
e AS (SELECT d.*, d.date_of_death - {first} AS days FROM d WHERE {EXPECTED} AND {MARKED})
SELECT region_id, subregion_id, municipality_id, practice_id, q, age, dx, count(*),
  percentile_cont(0.5) WITHIN GROUP (ORDER BY days)
FROM e GROUP BY GROUPING SETS ({_grouping(None)})
UNION ALL
SELECT NULL, NULL, NULL, org, q, NULL, NULL, total, median FROM (
  SELECT e.organization_id AS org, e.q, count(*) AS total,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY e.days) AS median
  FROM (SELECT DISTINCT e.id, e.q, e.days, ct.organization_id FROM e
        JOIN patients_careteammember ct ON ct.patient_id = e.patient_id
        WHERE {_local_date("ct.started_at")} <= e.date_of_death
          AND ct.organization_id <> e.practice_id) e
  GROUP BY GROUPING SETS ((e.organization_id), (e.organization_id, e.q))) t"""


def floor_central_contact(start: dt.date, end: dt.date) -> str:
    return f"""
WITH k AS (
  SELECT k.id, EXTRACT(QUARTER FROM k.marked_on)::int AS q, p.gp_practice_id AS practice_id,
    COALESCE(ms.region_id, gs.region_id) AS region_id,
    COALESCE(m.subregion_id, g.subregion_id) AS subregion_id, pa.municipality_id,
    p.diagnosis_group AS dx,
    (SELECT {_local_date("min(c.started_at)")} FROM patients_careteammember c
      WHERE c.patient_id = k.patient_id AND c.is_central_contact) - k.marked_on <= 14 AS num
  FROM patients_marking k JOIN patients_patient p ON p.id = k.patient_id
  LEFT JOIN organizations_postcodearea pa ON pa.pc4 = p.postcode_area_id
  LEFT JOIN organizations_municipality m ON m.id = pa.municipality_id
  LEFT JOIN organizations_subregion ms ON ms.id = m.subregion_id
  LEFT JOIN organizations_organization g ON g.id = p.gp_practice_id
  LEFT JOIN organizations_subregion gs ON gs.id = g.subregion_id
  WHERE k.marked_on >= '{start}' AND k.marked_on < '{end}'
)
SELECT region_id, subregion_id, municipality_id, practice_id, q, dx, count(*),
  count(*) FILTER (WHERE num)
FROM k GROUP BY GROUPING SETS (
  (region_id), (subregion_id), (municipality_id), (practice_id), (region_id, dx),
  (subregion_id, dx), (q, region_id), (q, subregion_id), (q, municipality_id), (q, practice_id),
  (q, region_id, dx), (q, subregion_id, dx))"""


def floor_consultations(kind: str, start: dt.date, end: dt.date) -> str:
    local = f"(r.created_at AT TIME ZONE '{TZ}')"
    measure = {
        "median": "percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes)",
        "p90": "percentile_disc(0.9) WITHIN GROUP (ORDER BY minutes)",
        "within": "count(*) FILTER (WHERE r_within)",
    }[kind]
    sets = []
    for q in ("", "q, "):
        for area in ("region_id", "subregion_id", "team_id"):
            for sub in ("", ", urgency", ", office"):
                sets.append(f"({q}{area}{sub})")
    return f"""
WITH r AS (
  SELECT s.region_id, r.subregion_id, r.team_id, r.urgency,
    EXTRACT(QUARTER FROM {local})::int AS q,
    (EXTRACT(ISODOW FROM {local}) < 6 AND {local}::time >= '08:00'
      AND {local}::time < '17:00') AS office,
    floor(EXTRACT(EPOCH FROM r.time_to_first_response) / 60)::int AS minutes,
    r.accepted_at <= r.respond_by AS r_within
  FROM consultations_consultationrequest r
  JOIN organizations_subregion s ON s.id = r.subregion_id
  WHERE r.created_at >= '{start}'::timestamp AT TIME ZONE '{TZ}'
    AND r.created_at < '{end}'::timestamp AT TIME ZONE '{TZ}'
    AND r.time_to_first_response IS NOT NULL
)
SELECT region_id, subregion_id, team_id, q, urgency, office, count(*), {measure}
FROM r GROUP BY GROUPING SETS ({", ".join(sets)})"""


def floor_beds(kind: str, start: dt.date, end: dt.date) -> str:
    num, den = {
        "occupancy": (
            "sum(beds - free_beds) FILTER (WHERE status <> 'closed')",
            "sum(beds) FILTER (WHERE status <> 'closed')",
        ),
        "stop": ("count(*) FILTER (WHERE status = 'admission_stop')", "count(*)"),
        "stale": ("count(*) FILTER (WHERE stale)", "count(*)"),
    }[kind]
    sets = []
    for q in ("", "q, "):
        for area in ("region_id", "subregion_id", "municipality_id", "organization_id"):
            sets.append(f"({q}{area})")
        for area in ("region_id", "subregion_id"):
            for sub in ("kind", "facility_id"):
                sets.append(f"({q}{area}, {sub})")
    return f"""
WITH days AS (
  SELECT f.id AS facility_id, f.kind, f.organization_id, pa.municipality_id,
    COALESCE(m.subregion_id, o.subregion_id) AS subregion_id,
    COALESCE(ms.region_id, os.region_id) AS region_id,
    EXTRACT(QUARTER FROM day)::int AS q, s.beds, s.free_beds, s.admission_status AS status,
    s.recorded_at < ((day + 1)::timestamp AT TIME ZONE '{TZ}') - interval '24 hours' AS stale
  FROM capacity_facility f
  JOIN organizations_organization o ON o.id = f.organization_id
  JOIN organizations_location l ON l.id = f.location_id
  LEFT JOIN organizations_postcodearea pa ON pa.pc4 = l.postcode_area_id
  LEFT JOIN organizations_municipality m ON m.id = pa.municipality_id
  LEFT JOIN organizations_subregion ms ON ms.id = m.subregion_id
  LEFT JOIN organizations_subregion os ON os.id = o.subregion_id
  CROSS JOIN LATERAL (
    SELECT gs::date AS day
    FROM generate_series('{start}'::date, '{end}'::date - 1, interval '1 day') gs) g
  JOIN LATERAL (
    SELECT b.beds, b.free_beds, b.admission_status, b.recorded_at FROM capacity_bedstatus b
    WHERE b.facility_id = f.id AND b.recorded_at < ((day + 1)::timestamp AT TIME ZONE '{TZ}')
    ORDER BY b.recorded_at DESC, b.id DESC LIMIT 1) s ON TRUE
  WHERE f.is_active AND o.is_active
)
SELECT region_id, subregion_id, municipality_id, organization_id, q, kind, facility_id,
  {num}, {den}
FROM days GROUP BY GROUPING SETS ({", ".join(sets)})"""


def floors(start: dt.date, end: dt.date) -> dict[str, str]:
    found = {key: floor_death_share(key, start, end) for key in DEATH_SHARES}
    found["marking_to_death_days"] = floor_marking_median(start, end)
    found["central_contact_14d"] = floor_central_contact(start, end)
    found["consultation_response_median"] = floor_consultations("median", start, end)
    found["consultation_response_p90"] = floor_consultations("p90", start, end)
    found["consultation_within_target"] = floor_consultations("within", start, end)
    found["bed_occupancy"] = floor_beds("occupancy", start, end)
    found["admission_stop_days"] = floor_beds("stop", start, end)
    found["stale_bed_reporting"] = floor_beds("stale", start, end)
    return found


# --- measuring ------------------------------------------------------------------------------


def backend_cpu() -> float:
    """CPU seconds (user + system) of this connection's PostgreSQL backend, from /proc."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU (this process + the PostgreSQL backend) seconds of one call."""
    cpu0, db0, t0 = time.process_time(), backend_cpu(), time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    return wall, time.process_time() - cpu0 + backend_cpu() - db0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="17000,85000,170000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kpis", default="", help="comma-separated rule keys (default: all)")
    parser.add_argument(
        "--no-recompute", action="store_true", help="skip the full recomputation (long)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    if connection.vendor != "postgresql":
        sys.exit("bench/monitoring.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from palliare.monitoring import rules, services, sources
        from palliare.monitoring.periods import Period

        services.ensure_catalogue()
        services.ensure_population()
        periods = [Period.year(YEAR), *(Period.quarter(YEAR, q) for q in range(1, 5))]
        start, end = dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 1)
        keys = [k for k in sources.rule_keys() if not args.kpis or k in args.kpis.split(",")]
        sql = floors(start, end)
        missing = [k for k in keys if k not in sql]
        if missing:
            print("no floor for:", ", ".join(missing))
        rng = random.Random(15)
        world = World()
        geography(world)
        summary: dict[int, dict[str, float]] = {}
        for size in sizes:
            t0 = time.perf_counter()
            counts = grow(world, size, rng)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(
                f"\n{size:,} deaths: "
                + ", ".join(f"{k} {v:,}" for k, v in counts.items())
                + f" — loaded in {time.perf_counter() - t0:.0f} s"
            )

            def rule_run(key: str) -> Callable[[], object]:
                def run() -> None:
                    fn = sources.get_rule(key)
                    assert fn is not None
                    with rules.year_cache():
                        for period in periods:
                            list(fn(period))

                return run

            def floor_run(key: str) -> Callable[[], object]:
                def run() -> None:
                    with connection.cursor() as cursor:
                        cursor.execute(sql[key])
                        cursor.fetchall()

                return run

            results: dict[str, dict[str, list[tuple[float, float]]]] = {
                k: {"rule": [], "floor": []} for k in keys
            }
            for r in range(args.rounds):
                for key in keys:
                    order = ("rule", "floor") if r % 2 == 0 else ("floor", "rule")
                    for what in order:
                        if what == "floor" and key not in sql:
                            continue
                        fn = rule_run(key) if what == "rule" else floor_run(key)
                        results[key][what].append(timed(fn))
            print(
                f"  {'rule (year + 4 quarters)':30s} {'rule ms':>9s} {'cpu ms':>8s} "
                f"{'floor ms':>9s} {'cpu ms':>8s} {'ratio':>6s} {'cpu':>6s}"
            )
            total_rule = total_floor = cpu_rule = cpu_floor = 0.0
            for key in keys:
                rule_t = statistics.median(w for w, _c in results[key]["rule"])
                rule_c = statistics.median(c for _w, c in results[key]["rule"])
                total_rule, cpu_rule = total_rule + rule_t, cpu_rule + rule_c
                if results[key]["floor"]:
                    floor_t = statistics.median(w for w, _c in results[key]["floor"])
                    floor_c = statistics.median(c for _w, c in results[key]["floor"])
                    total_floor, cpu_floor = total_floor + floor_t, cpu_floor + floor_c
                    tail = (
                        f"{floor_t * 1000:9.0f} {floor_c * 1000:8.0f} {rule_t / floor_t:6.2f} "
                        f"{rule_c / floor_c if floor_c else float('nan'):6.2f}"
                    )
                else:
                    tail = f"{'—':>9s}"
                print(f"  {key:30s} {rule_t * 1000:9.0f} {rule_c * 1000:8.0f} {tail}")
            print(
                f"  {'all computed KPIs':30s} {total_rule * 1000:9.0f} {cpu_rule * 1000:8.0f} "
                f"{total_floor * 1000:9.0f} {cpu_floor * 1000:8.0f} "
                f"{total_rule / total_floor:6.2f} {cpu_rule / cpu_floor:6.2f}"
            )
            recompute = [
                timed(lambda: services.recompute_now(full=True, today=dt.date(YEAR + 1, 1, 1)))
                for _r in range(0 if args.no_recompute else max(1, args.rounds // 2))
            ] or [(float("nan"), float("nan"))]
            wall = statistics.median(w for w, _c in recompute)
            cpu = statistics.median(c for _w, c in recompute)
            print(
                f"  full recomputation through the service (every KPI, 2022–2026 Q1, stored): "
                f"{wall:.1f} s wall, {cpu:.1f} s CPU"
            )
            summary[size] = {
                "rule": total_rule,
                "floor": total_floor,
                "rule cpu": cpu_rule,
                "floor cpu": cpu_floor,
                "recompute": wall,
                "recompute cpu": cpu,
            }
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            factor = large / small
            print(f"\ngrowth from {small:,} to {large:,} deaths (×{factor:g} data):")
            for what in summary[large]:
                grew = summary[large][what] / summary[small][what]
                if grew != grew:  # nan: the recomputation was skipped
                    continue
                print(
                    f"  {what:10s} ×{grew:.2f} ({'linear or better' if grew <= factor * 1.1 else 'FASTER THAN LINEAR'})"
                )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
