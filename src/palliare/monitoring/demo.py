"""Demo history for monitoring (issue 15 item 5): a plausible, fictional register history
2022 up to the last quarter — deaths with their registrations, markings, care-plan versions,
consent, central contacts, PaTz meetings, caregivers, volunteers and consultations with response
times, and the bed history of the demo facilities (occupancy, admission stops, days without a
fresh report) — so the baseline 2022–2024, the targets and the trend exist on first start. The
history patients belong to four extra demo GP practices (one per subregion) that no demo
account works at, so they never appear in anyone's register. Written in bulk; deterministic per
seed."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from palliare.accounts.models import User
from palliare.careplans.models import CarePlan, CarePlanVersion
from palliare.consultations.constants import RESPONSE_TARGET, AgeGroup, ConsultationStatus, Urgency
from palliare.consultations.constants import DiagnosisGroup as ConsultDiagnosis
from palliare.consultations.constants import Dimension as ConsultDimension
from palliare.consultations.models import ConsultationRequest
from palliare.meetings.constants import MeetingStatus
from palliare.meetings.models import AgendaItem, CoreTeam, Meeting
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Organization, PostcodeArea, Subregion
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
from palliare.ui import demo

from . import services
from .models import KpiDefinition

HISTORY_BSN_BASE = 70_000_000
DEATHS_PER_QUARTER = 72
PRACTICE_NAME = "Huisartsenpraktijk Historie {name} (fictief)"
#: How the care improves year by year (share of expected deaths), the demo's story.
TREND = {
    2022: {
        "plan": 0.08,
        "marked": 0.42,
        "acute": 0.35,
        "preferred": 0.62,
        "admit": 0.42,
        "meeting": 0.22,
        "carer": 0.30,
        "volunteer": 0.09,
        "contact": 0.55,
    },
    2023: {
        "plan": 0.11,
        "marked": 0.46,
        "acute": 0.40,
        "preferred": 0.64,
        "admit": 0.40,
        "meeting": 0.25,
        "carer": 0.34,
        "volunteer": 0.10,
        "contact": 0.58,
    },
    2024: {
        "plan": 0.14,
        "marked": 0.50,
        "acute": 0.45,
        "preferred": 0.66,
        "admit": 0.38,
        "meeting": 0.28,
        "carer": 0.38,
        "volunteer": 0.11,
        "contact": 0.62,
    },
    2025: {
        "plan": 0.19,
        "marked": 0.58,
        "acute": 0.55,
        "preferred": 0.70,
        "admit": 0.34,
        "meeting": 0.36,
        "carer": 0.46,
        "volunteer": 0.13,
        "contact": 0.70,
    },
    2026: {
        "plan": 0.26,
        "marked": 0.66,
        "acute": 0.65,
        "preferred": 0.74,
        "admit": 0.31,
        "meeting": 0.44,
        "carer": 0.55,
        "volunteer": 0.15,
        "contact": 0.78,
    },
}
PLACES = [
    (PlaceOfDeath.HOME, 38),
    (PlaceOfDeath.HOSPITAL, 19),
    (PlaceOfDeath.NURSING_HOME, 27),
    (PlaceOfDeath.HOSPICE, 9),
    (PlaceOfDeath.OTHER, 5),
    (PlaceOfDeath.UNKNOWN, 2),
]
DIAGNOSES = [
    (DiagnosisGroup.CANCER, 40),
    (DiagnosisGroup.ORGAN_FAILURE, 30),
    (DiagnosisGroup.FRAILTY_DEMENTIA, 25),
    (DiagnosisGroup.OTHER, 5),
]
DEMO_TARGETS = [
    (
        "plan-before-death",
        "20",
        dt.date(2026, 3, 31),
        "Stuurgroep 16 december 2025: KPI juni 2026 (ACP-plan voor ten minste 20%"
        " van de niet onverwacht overledenen in Q1 2026)",
    ),
    (
        "marked-before-death",
        "60",
        dt.date(2026, 12, 31),
        "Stuurgroep 16 december 2025, werkplan actielijn markering",
    ),
    (
        "preferred-place",
        "75",
        dt.date(2026, 12, 31),
        "Stuurgroep 16 december 2025, werkplan actielijn plek van overlijden",
    ),
    (
        "hospital-admission-30d",
        "30",
        dt.date(2026, 12, 31),
        "Stuurgroep 16 december 2025, werkplan actielijn acute zorg",
    ),
]


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted], k=1)[0]


def _practices(subregions: list[Subregion]) -> list[Organization]:
    found = []
    for subregion in subregions:
        name = PRACTICE_NAME.format(name=subregion.name)
        org = Organization.objects.filter(name=name).first()
        if org is None:
            org = Organization.objects.create(
                name=name,
                type=OrganizationType.GP_PRACTICE,
                subregion=subregion,
                is_demo=True,
                is_public=False,
            )
        found.append(org)
    return found


@demo.register("monitoring", order=90)
def load(rng: random.Random) -> str:
    services.ensure_catalogue()
    services.ensure_population()
    _bed_history(random.Random(2021))
    if Patient.objects.filter(bsn=make_bsn(HISTORY_BSN_BASE + 7)).exists():
        return "monitoring history already present"
    rng = random.Random(2022)
    user = User.objects.filter(username="huisarts").first() or User.objects.order_by("pk").first()
    steering = User.objects.filter(username="stuurgroep").first() or user
    if user is None:
        return "no users: load the directory demo first"
    subregions = list(Subregion.objects.order_by("pk"))
    if not subregions:
        return "no subregions"
    with transaction.atomic():
        counts = _history(rng, user, subregions)
        _targets(steering)
    run = services.recompute_now(full=True)
    return f"{counts} deaths in the history; {run.values_written} figures computed"


def _history(rng: random.Random, user: User, subregions: list[Subregion]) -> int:
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    practices = _practices(subregions)
    areas = {
        s.pk: list(
            PostcodeArea.objects.filter(municipality__subregion=s).values_list("pc4", flat=True)[
                :40
            ]
        )
        for s in subregions
    }
    volunteers = (
        Organization.objects.filter(type=OrganizationType.VOLUNTEER_ORGANIZATION).first()
        or practices[0]
    )
    nursing = list(
        Organization.objects.filter(type=OrganizationType.DISTRICT_NURSING).order_by("pk")
    ) or [practices[0]]
    teams = list(
        Organization.objects.filter(type=OrganizationType.CONSULTATION_TEAM).order_by("pk")[:4]
    )
    core_team, _created = CoreTeam.objects.get_or_create(
        name="Kernteam historie (fictief)", defaults={"created_by": user}
    )
    patients: list[Patient] = []
    plan: list[dict[str, Any]] = []
    n = 0
    for year in range(2022, today.year + 1):
        for quarter in range(4):
            start = dt.date(year, 3 * quarter + 1, 1)
            if start > today:
                break
            end = dt.date(year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1)
            days = (min(end, today) - start).days
            if days <= 0:
                continue
            for _i in range(round(DEATHS_PER_QUARTER * days / 91)):
                n += 1
                sub_index = _pick(rng, [(0, 30), (1, 30), (2, 24), (3, 16)]) % len(subregions)
                practice = practices[sub_index]
                pcs = areas[subregions[sub_index].pk]
                died = start + dt.timedelta(days=rng.randrange(days))
                born = dt.date(
                    died.year - rng.choice([58, 66, 71, 76, 79, 82, 84, 86, 88, 90, 93]),
                    rng.randint(1, 12),
                    rng.randint(1, 28),
                )
                patient = Patient(
                    bsn=make_bsn(HISTORY_BSN_BASE + n * 7),
                    given_name=rng.choice(
                        ["Anna", "Jan", "Hendrika", "Roelof", "Geertje", "Harm", "Aaltje", "Klaas"]
                    ),
                    family_name=rng.choice(
                        [
                            "Bakker",
                            "Drenth",
                            "Hummel",
                            "Lanting",
                            "Oosting",
                            "Renting",
                            "Tiesing",
                            "Zwiers",
                        ]
                    ),
                    date_of_birth=born,
                    sex=rng.choice(["F", "M"]),
                    postcode=f"{rng.choice(pcs)}AA" if pcs else "",
                    gp_practice=practice,
                    diagnosis_group=_pick(rng, DIAGNOSES),
                    date_of_death=died,
                    is_synthetic=True,
                )
                patient.postcode_area_id = patient.postcode[:4] if patient.postcode else None
                patients.append(patient)
                plan.append({"died": died, "year": year})
    Patient.objects.bulk_create(patients, batch_size=2000)
    markings, plans, consents, members, caregivers, deaths, deployments, agenda = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    checks_for: list[tuple[int, dt.date]] = []
    meetings: dict[tuple[int, int], Meeting] = {}
    for patient, info in zip(patients, plan, strict=True):
        died = info["died"]
        p = TREND[min(info["year"], max(TREND))]
        expected = rng.random() < 0.88
        marked = expected and rng.random() < p["marked"]
        has_plan = expected and rng.random() < (
            p["plan"] / max(p["marked"], 0.01) if marked else 0.02
        )
        marked_on = (
            died - dt.timedelta(days=rng.choice([4, 9, 15, 25, 40, 60, 90, 150, 240]))
            if marked
            else None
        )
        if marked_on:
            markings.append(
                Marking(
                    patient=patient,
                    marked_on=marked_on,
                    diagnosis_group=patient.diagnosis_group,
                    surprise_question="no",
                    marked_by=user,
                    marked_by_name="Huisarts (fictief)",
                    organization=patient.gp_practice,
                )
            )
            delay = (
                rng.choice([2, 5, 8, 12])
                if rng.random() < p["contact"]
                else rng.choice([20, 30, 45])
            )
            members.append(
                CareTeamMember(
                    patient=patient,
                    organization=nursing[practices.index(patient.gp_practice) % len(nursing)],
                    role=CareTeamRole.DISTRICT_NURSE,
                    is_central_contact=True,
                    started_at=dt.datetime.combine(
                        marked_on + dt.timedelta(days=delay), dt.time(10), tzinfo=tz
                    ),
                )
            )
            if rng.random() < p["meeting"] / max(p["marked"], 0.01):
                when = marked_on + dt.timedelta(
                    days=rng.randint(0, max(0, (died - marked_on).days - 1))
                )
                key = (when.year, when.isocalendar()[1])
                meeting = meetings.get(key)
                if meeting is None:
                    meeting = Meeting(
                        core_team=core_team,
                        starts_at=dt.datetime.combine(when, dt.time(12), tzinfo=tz),
                        status=MeetingStatus.HELD,
                        held_at=dt.datetime.combine(when, dt.time(13), tzinfo=tz),
                        created_by=user,
                    )
                    meetings[key] = meeting
                agenda.append((meeting, patient))
        if has_plan:
            made = (marked_on or died - dt.timedelta(days=30)) + dt.timedelta(days=1)
            made = min(made, died)
            plans.append((patient, made))
            if rng.random() < p["acute"]:
                consents.append(
                    Consent(
                        patient=patient,
                        scope=ConsentScope.ACUTE_CARE,
                        given_on=made,
                        recorded_by=user,
                        recorded_by_name="Huisarts (fictief)",
                    )
                )
        place = _pick(rng, PLACES)
        if has_plan and place == PlaceOfDeath.HOSPITAL and rng.random() < 0.5:
            place = PlaceOfDeath.HOME
        known = rng.random() < (0.75 if has_plan else 0.45)
        achieved = rng.random() < p["preferred"] + (0.1 if has_plan else 0)
        admissions = (
            (1 if rng.random() < p["admit"] - (0.08 if has_plan else 0) else 0)
            if expected
            else rng.choice([0, 1])
        )
        deaths.append(
            DeathRegistration(
                patient=patient,
                date_of_death=died,
                place_of_death=place,
                expected=YesNoUnknown.YES if expected else YesNoUnknown.NO,
                preferred_place_known=YesNoUnknown.YES if known else YesNoUnknown.UNKNOWN,
                preferred_place=(place if achieved else PlaceOfDeath.HOME) if known else "",
                preferred_place_achieved=(YesNoUnknown.YES if achieved else YesNoUnknown.NO)
                if known
                else YesNoUnknown.UNKNOWN,
                palliative_sedation=YesNoUnknown.YES if rng.random() < 0.2 else YesNoUnknown.NO,
                hospital_admissions_30d=admissions if rng.random() < 0.9 else None,
                emergency_visits_30d=(1 if rng.random() < p["admit"] + 0.05 else 0)
                if rng.random() < 0.9
                else None,
                had_care_plan=YesNoUnknown.YES if has_plan else YesNoUnknown.NO,
                recorded_by=user,
                recorded_by_name="Huisarts (fictief)",
                organization=patient.gp_practice,
                recorded_at=dt.datetime.combine(died + dt.timedelta(days=3), dt.time(9), tzinfo=tz),
            )
        )
        if expected and rng.random() < 0.7:
            caregivers.append(
                InformalCaregiver(
                    patient=patient,
                    name="Naaste (fictief)",
                    relation=rng.choice(["partner", "dochter", "zoon"]),
                )
            )
            if rng.random() < p["carer"] / 0.7:
                checks_for.append(
                    (len(caregivers) - 1, died - dt.timedelta(days=rng.randint(3, 40)))
                )
        if expected and rng.random() < p["volunteer"]:
            deployments.append(
                VolunteerDeployment(
                    patient=patient,
                    status=VolunteerStatus.ACTIVE,
                    organization=volunteers,
                    recorded_by=user,
                    recorded_by_name="VPTZ (fictief)",
                    created_at=dt.datetime.combine(
                        died - dt.timedelta(days=10), dt.time(10), tzinfo=tz
                    ),
                )
            )
    Marking.objects.bulk_create(markings, batch_size=2000)
    CareTeamMember.objects.bulk_create(members, batch_size=2000)
    Consent.objects.bulk_create(consents, batch_size=2000)
    DeathRegistration.objects.bulk_create(deaths, batch_size=2000)
    InformalCaregiver.objects.bulk_create(caregivers, batch_size=2000)
    BurdenCheck.objects.bulk_create(
        [
            BurdenCheck(
                caregiver=caregivers[i],
                checked_on=day,
                score=rng.randint(2, 8),
                checked_by=user,
                checked_by_name="POH (fictief)",
            )
            for i, day in checks_for
        ],
        batch_size=2000,
    )
    VolunteerDeployment.objects.bulk_create(deployments, batch_size=2000)
    Meeting.objects.bulk_create(list(meetings.values()), batch_size=500)
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=m, patient=pt, section="newly_marked", reasons=["newly_marked"], position=i
            )
            for i, (m, pt) in enumerate(agenda)
        ],
        batch_size=2000,
    )
    care_plans = CarePlan.objects.bulk_create(
        [CarePlan(patient=pt) for pt, _made in plans], batch_size=2000
    )
    CarePlanVersion.objects.bulk_create(
        [
            CarePlanVersion(
                plan=cp,
                number=1,
                content={},
                note="Historie (fictief)",
                author=user,
                author_name="Huisarts (fictief)",
                created_at=dt.datetime.combine(made, dt.time(11), tzinfo=tz),
            )
            for cp, (_pt, made) in zip(care_plans, plans, strict=True)
        ],
        batch_size=2000,
    )
    _consultations(rng, user, subregions, teams, today, tz)
    return len(patients)


def _consultations(
    rng: random.Random,
    user: User,
    subregions: list[Subregion],
    teams: list[Organization],
    today: dt.date,
    tz: Any,
) -> None:
    if not teams:
        return
    rows = []
    day = dt.date(2022, 1, 3)
    while day < today - dt.timedelta(days=1):
        for _i in range(rng.choice([0, 1, 1, 2])):
            urgency = _pick(
                rng, [(Urgency.WITHIN_HOUR, 25), (Urgency.TODAY, 50), (Urgency.THIS_WEEK, 25)]
            )
            asked = dt.datetime.combine(
                day,
                dt.time(rng.choice([3, 9, 10, 11, 14, 15, 16, 19, 22]), rng.randint(0, 59)),
                tzinfo=tz,
            )
            target = RESPONSE_TARGET[urgency]
            factor = rng.choice([0.1, 0.25, 0.4, 0.6, 0.8, 0.9, 1.1, 1.6]) * (
                0.85 if day.year >= 2025 else 1.0
            )
            waited = dt.timedelta(seconds=max(120, int(target.total_seconds() * factor)))
            subregion = rng.choice(subregions)
            rows.append(
                ConsultationRequest(
                    status=ConsultationStatus.CLOSED,
                    urgency=urgency,
                    dimension=rng.choice(list(ConsultDimension)),
                    question="Historie (fictief)",
                    age_group=rng.choice(list(AgeGroup)),
                    diagnosis_group=rng.choice(list(ConsultDiagnosis)),
                    subregion=subregion,
                    team=teams[subregion.pk % len(teams)],
                    requested_by=user,
                    created_at=asked,
                    respond_by=asked + target,
                    accepted_at=asked + waited,
                    time_to_first_response=waited,
                    first_advice_at=asked + waited,
                    closed_at=asked + waited + dt.timedelta(hours=1),
                )
            )
        day += dt.timedelta(days=3)
    ConsultationRequest.objects.bulk_create(rows, batch_size=2000)


def _targets(steering: User | None) -> None:
    from palliare.monitoring.models import KpiTarget

    if steering is None:
        return
    for code, value, by, decision in DEMO_TARGETS:
        definition = KpiDefinition.objects.filter(code=code).first()
        if definition is None or definition.targets.exists():
            continue
        KpiTarget.objects.create(
            definition=definition,
            value=value,
            target_date=by,
            decision_reference=decision,
            decision_date=dt.date(2025, 12, 16),
            set_by=steering,
            set_by_name=str(steering),
        )


#: Share of days without any bed report, per year: reporting gets better (the demo's story).
SKIPPED_DAYS = {2022: 0.14, 2023: 0.11, 2024: 0.08, 2025: 0.05, 2026: 0.03}


def _bed_history(rng: random.Random) -> int:
    """Daily bed reports of the demo facilities from 2022 up to the capacity demo's own two
    weeks: about 80% occupied, now and then an admission stop of a few days, and days without a
    report (fewer each year). Written in bulk before the existing reports, so the current status
    stays the newest row. Skipped when the history is already there."""
    from palliare.capacity.constants import AdmissionStatus, Channel
    from palliare.capacity.models import BedStatus, Facility

    tz = timezone.get_current_timezone()
    first = dt.datetime(2022, 1, 1, tzinfo=tz)
    if BedStatus.objects.filter(recorded_at__lt=first + dt.timedelta(days=1)).exists():
        return 0
    rows: list[BedStatus] = []
    for facility in Facility.objects.filter(is_active=True).select_related("current_status"):
        oldest = facility.statuses.order_by("recorded_at").values_list("recorded_at", flat=True)
        until = oldest.first() or timezone.now()
        beds = facility.current_status.beds if facility.current_status else 6
        free = max(0, beds // 5)
        stop_left = 0
        day = first.date()
        while True:
            if rng.random() < SKIPPED_DAYS.get(day.year, 0.03):
                day += dt.timedelta(days=1)
                continue
            moment = dt.datetime.combine(
                day, dt.time(rng.choice([8, 8, 9, 9, 10, 11, 14]), rng.randint(0, 59)), tzinfo=tz
            )
            if moment >= until:
                break
            free = max(0, min(beds, free + rng.choice([-1, -1, 0, 0, 0, 1, 1])))
            if free > beds // 2 and rng.random() < 0.5:
                free -= 1  # new guests fill free beds quickly
            if stop_left == 0 and rng.random() < 0.012:
                stop_left = rng.randint(2, 6)  # staff shortage: no admissions for a few days
            status = AdmissionStatus.ADMISSION_STOP if stop_left else AdmissionStatus.OPEN
            stop_left = max(0, stop_left - 1)
            rows.append(
                BedStatus(
                    facility=facility,
                    recorded_at=moment,
                    beds=beds,
                    free_beds=free,
                    admission_status=status,
                    recorded_by_name="Coördinator (fictief)",
                    channel=Channel.DEMO,
                )
            )
            day += dt.timedelta(days=1)
    BedStatus.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
