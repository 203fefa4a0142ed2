"""A realistic, reproducible synthetic population for demos and benchmarks.

Patients are spread over the region's postcode areas in proportion to their older inhabitants
(CBS, 2021), get GP practices near where they live, trajectories by diagnosis group (marking,
signals, care team with a central contact, informal caregivers, urgency), and — for those who
died — a place of death drawn from the national distribution of expected deaths (IKNL/PZNL,
reference-data/reference/national_palliative_parameters_press.csv). Everything is fictional and
flagged ``is_synthetic``. Rows are written in bulk (not through the services) for speed; one
access-log event records the run.

Other apps add their part (meetings, care plans) through ``register_extender``.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from palliare.accounts.models import Role, User
from palliare.accounts.permissions import RoleCode
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.organizations.constants import Discipline, OrganizationType
from palliare.organizations.models import (
    Location,
    Membership,
    Organization,
    PostcodeArea,
    Professional,
    Subregion,
)

from .constants import (
    CareTeamRole,
    ConsentScope,
    DiagnosisGroup,
    Dimension,
    PlaceOfDeath,
    SignalStatus,
    SignalSuggestion,
    Urgency,
    YesNoUnknown,
)
from .models import (
    BurdenCheck,
    CareTeamMember,
    Consent,
    DeathRegistration,
    InformalCaregiver,
    Marking,
    Patient,
    Signal,
)
from .validators import make_bsn

BATCH = 5000
PATIENTS_PER_PRACTICE = 400

GIVEN = [
    "Anna",
    "Maria",
    "Johanna",
    "Hendrika",
    "Geertje",
    "Jantje",
    "Aaltje",
    "Willemina",
    "Jan",
    "Hendrik",
    "Albert",
    "Roelof",
    "Harm",
    "Jacob",
    "Gerrit",
    "Klaas",
    "Lammert",
    "Trijntje",
    "Fenna",
    "Egbert",
    "Wiebe",
    "Tjitske",
    "Berend",
    "Grietje",
    "Lubbert",
    "Marchien",
    "Reinder",
    "Annechien",
    "Sietse",
    "Femmigje",
]
FAMILY = [
    "Bakker",
    "Boer",
    "Bosma",
    "Dijkstra",
    "Drenth",
    "Eising",
    "Haveman",
    "Hummel",
    "Jalving",
    "Kuipers",
    "Lanting",
    "Mulder",
    "Nijhof",
    "Oosting",
    "Pol",
    "Renting",
    "Schepers",
    "Smit",
    "Ten Kate",
    "Tiesing",
    "Veenstra",
    "Vos",
    "Wever",
    "Zwiers",
    "Brouwer",
    "Hoving",
    "Kremer",
    "Meijering",
    "Nijboer",
    "Strijker",
]
PREFIXES = ["", "", "", "", "de", "van", "van der", "ter"]
DIAGNOSIS_WEIGHTS = {
    DiagnosisGroup.CANCER: 40,
    DiagnosisGroup.ORGAN_FAILURE: 30,
    DiagnosisGroup.FRAILTY_DEMENTIA: 25,
    DiagnosisGroup.OTHER: 5,
}
AGE_WEIGHT = {
    "60-64": 1,
    "65-69": 2,
    "70-74": 3,
    "75-79": 5,
    "80-84": 7,
    "85-89": 8,
    "90-94": 6,
    "95+": 3,
}

Extender = Callable[["SyntheticRun"], str]
_EXTENDERS: dict[str, Extender] = {}


def register_extender(name: str) -> Callable[[Extender], Extender]:
    """Let another app add data for the generated patients (receives the run)."""

    def decorator(extender: Extender) -> Extender:
        _EXTENDERS[name] = extender
        return extender

    return decorator


@dataclass
class SyntheticRun:
    """What one run created, for extenders and the summary."""

    seed: int
    rng: random.Random
    patient_ids: list[int] = field(default_factory=list)
    practice_ids: list[int] = field(default_factory=list)
    gp_user_by_practice: dict[int, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


class SyntheticDataError(Exception):
    pass


def death_place_weights() -> dict[PlaceOfDeath, float]:
    """The national distribution of places of death of expected deaths (+ the rest: other)."""
    path = (
        Path(settings.BASE_DIR)
        / "reference-data"
        / "reference"
        / "national_palliative_parameters_press.csv"
    )
    shares = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            shares[row["parameter"]] = float(row["value"])
    weights = {
        PlaceOfDeath.HOME: shares["share_expected_deaths_at_home"],
        PlaceOfDeath.NURSING_HOME: shares["share_expected_deaths_in_nursing_home"],
        PlaceOfDeath.HOSPITAL: shares["share_expected_deaths_in_hospital"],
        PlaceOfDeath.HOSPICE: shares["share_expected_deaths_in_hospice"],
    }
    weights[PlaceOfDeath.OTHER] = max(0.0, 100.0 - sum(weights.values()))
    return weights


def _region_areas() -> list[PostcodeArea]:
    areas = list(
        PostcodeArea.objects.filter(municipality__subregion__isnull=False)
        .select_related("municipality__subregion")
        .order_by("pc4")
    )
    if not areas:
        raise SyntheticDataError(
            "No postcode areas are mapped to a subregion. Run `manage.py import_reference_data` "
            "and configure the region (or `manage.py load_demo` in demo mode) first."
        )
    return areas


T = TypeVar("T")


def _weighted(rng: random.Random, options: Mapping[T, float], k: int) -> list[T]:
    return rng.choices(list(options), weights=list(options.values()), k=k)


def _batched(rows: list[object], model: type) -> None:
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH])  # type: ignore[attr-defined]


def _ensure_practices(run: SyntheticRun, areas: list[PostcodeArea], count: int) -> list[int]:
    """Synthetic GP practices with one GP each (accounts cannot log in)."""
    existing = list(
        Organization.objects.filter(
            type=OrganizationType.GP_PRACTICE, name__startswith="Synthetische praktijk"
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    gp_role = Role.objects.get(code=RoleCode.GP)
    weights = {a: float(a.population_65_plus or 1) for a in areas}
    for number in range(len(existing), count):
        area = _weighted(run.rng, weights, 1)[0]
        assert isinstance(area, PostcodeArea)
        org = Organization.objects.create(
            name=f"Synthetische praktijk {number + 1:04d} {area.place}",
            type=OrganizationType.GP_PRACTICE,
            subregion=area.municipality.subregion if area.municipality else None,
            phone=f"0592 {number % 900 + 100} 000",
        )
        Location.objects.create(
            organization=org,
            street="Dorpsstraat",
            house_number=str(number),
            postcode=f"{area.pc4} AA",
            city=area.place or "Drenthe",
        )
        user = User(
            username=f"synthetic-gp-{number + 1:04d}",
            first_name="Huisarts",
            last_name=f"{number + 1:04d}",
        )
        user.set_unusable_password()
        user.save()
        professional = Professional.objects.create(
            user=user,
            given_name="Huisarts",
            family_name=f"Synthetisch {number + 1:04d}",
            discipline=Discipline.GENERAL_PRACTITIONER,
            big_number=f"{99000000000 + number}",
        )
        Membership.objects.create(professional=professional, organization=org, role=gp_role)
        existing.append(org.pk)
    run.practice_ids = existing[:count]
    run.gp_user_by_practice = dict(
        Membership.objects.filter(
            organization_id__in=run.practice_ids,
            role__code=RoleCode.GP,
            professional__user__isnull=False,
        ).values_list("organization_id", "professional__user_id")
    )
    return run.practice_ids


def _district_nursing(subregions: list[Subregion]) -> dict[int, int]:
    """One synthetic district-nursing organisation per subregion."""
    result = {}
    for subregion in subregions:
        org, _ = Organization.objects.get_or_create(
            name=f"Synthetische wijkzorg {subregion.name}",
            defaults={
                "type": OrganizationType.DISTRICT_NURSING,
                "subregion": subregion,
                "phone": "0592 700 700",
            },
        )
        result[subregion.pk] = org.pk
    return result


def _dates(rng: random.Random, today: dt.date, days_back: int) -> dt.date:
    return today - dt.timedelta(days=rng.randint(0, days_back))


def generate(patients: int, *, seed: int = 1) -> SyntheticRun:
    """Create ``patients`` synthetic patients (and their register data). Reproducible per seed."""
    if patients < 1:
        raise SyntheticDataError("--patients must be at least 1.")
    rng = random.Random(seed)
    run = SyntheticRun(seed=seed, rng=rng)
    bsn_base = (seed % 9 + 1) * 10_000_000
    if Patient.objects.filter(bsn=make_bsn(bsn_base)).exists():
        raise SyntheticDataError(
            f"Synthetic patients for seed {seed} already exist. Use another --seed to add more."
        )
    areas = _region_areas()
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        practice_ids = _ensure_practices(run, areas, max(4, patients // PATIENTS_PER_PRACTICE))
        subregions = list(
            Subregion.objects.filter(
                pk__in={a.municipality.subregion_id for a in areas if a.municipality}
            ).order_by("pk")
        )
        nursing_by_subregion = _district_nursing(subregions)
        practice_subregion = dict(
            Organization.objects.filter(pk__in=practice_ids).values_list("pk", "subregion_id")
        )
        area_weights = {a: float(a.population_65_plus or 0) + 1.0 for a in areas}
        chosen_areas = _weighted(rng, area_weights, patients)
        age_groups = _weighted(rng, {k: float(v) for k, v in AGE_WEIGHT.items()}, patients)
        diagnoses = _weighted(rng, {k: float(v) for k, v in DIAGNOSIS_WEIGHTS.items()}, patients)
        death_places = death_place_weights()

        rows = []
        for i in range(patients):
            area = chosen_areas[i]
            assert isinstance(area, PostcodeArea)
            group = str(age_groups[i])
            low = int(group.split("-")[0].rstrip("+"))
            age = rng.randint(low, low + 4 if "-" in group else low + 8)
            born = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
            rows.append(
                Patient(
                    bsn=make_bsn(bsn_base + i * 7),
                    given_name=rng.choice(GIVEN),
                    family_name_prefix=rng.choice(PREFIXES),
                    family_name=rng.choice(FAMILY),
                    date_of_birth=born,
                    sex=rng.choice(["F", "M"]),
                    street="Synthetische weg",
                    house_number=str(rng.randint(1, 200)),
                    postcode=f"{area.pc4} {rng.choice(['AA', 'AB', 'BC', 'CD', 'DE'])}",
                    postcode_area_id=area.pc4,
                    city=area.place,
                    gp_practice_id=practice_ids[i % len(practice_ids)],
                    is_synthetic=True,
                )
            )
        _batched(rows, Patient)  # type: ignore[arg-type]
        patient_list = list(
            Patient.objects.filter(
                bsn__gte=make_bsn(bsn_base),
                bsn__lte=make_bsn(bsn_base + patients * 7),
                is_synthetic=True,
            ).order_by("bsn")
        )
        run.patient_ids = [p.pk for p in patient_list]
        _trajectories(
            run,
            patient_list,
            diagnoses,
            death_places,
            nursing_by_subregion,
            practice_subregion,
            today,
            now,
        )
        audit.record(
            "synthetic.generated",
            actor=None,
            actor_name="generate_synthetic",
            action=AuditAction.CREATE,
            purpose=AuditPurpose.ADMINISTRATION,
            details={"patients": str(patients), "seed": str(seed)},
        )
        for name, extender in _EXTENDERS.items():
            run.counts[name] = 0
            summary = extender(run)
            run.counts[f"{name}: {summary}"] = 1
    run.counts["patients"] = len(patient_list)
    with connection.cursor() as cursor:  # fresh planner statistics after a bulk load
        cursor.execute("ANALYZE")
    return run


def _trajectories(
    run: SyntheticRun,
    patients: list[Patient],
    diagnoses: list[DiagnosisGroup],
    death_places: dict[PlaceOfDeath, float],
    nursing_by_subregion: dict[int, int],
    practice_subregion: Mapping[int, int | None],
    today: dt.date,
    now: dt.datetime,
) -> None:
    rng = run.rng
    markings, consents, members, signals, caregivers, deaths = [], [], [], [], [], []
    updates: list[Patient] = []
    for patient, diagnosis in zip(patients, diagnoses, strict=True):
        gp_user = run.gp_user_by_practice[patient.gp_practice_id]
        roll = rng.random()
        marked = roll < 0.6
        deceased = marked and rng.random() < 0.35
        if not marked and rng.random() < 0.3:  # a signal before marking: "consider marking"
            signals.append(
                _signal(
                    rng,
                    patient,
                    gp_user,
                    now,
                    SignalStatus.NEW,
                    SignalSuggestion.CONSIDER_MARKING,
                    nursing_by_subregion,
                    practice_subregion,
                )
            )
        if not marked:
            continue
        marked_on = _dates(rng, today, 720)
        markings.append(
            Marking(
                patient=patient,
                marked_on=marked_on,
                diagnosis_group=diagnosis,
                surprise_question="no",
                double_surprise_question=rng.choice(["yes", "no"]),
                spict_general=rng.sample(
                    ["weight_loss", "dependent", "poor_performance", "unplanned_admissions"],
                    k=rng.randint(1, 3),
                ),
                marked_by_id=gp_user,
                marked_by_name="Huisarts (synthetisch)",
                organization_id=patient.gp_practice_id,
                created_at=dt.datetime.combine(marked_on, dt.time(10), tzinfo=dt.UTC),
            )
        )
        patient.marked_since, patient.diagnosis_group = marked_on, str(diagnosis)
        patient.urgency = str(
            _weighted(rng, {Urgency.RED: 10, Urgency.ORANGE: 30, Urgency.GREEN: 60}, 1)[0]
        )
        if rng.random() < 0.7:
            for scope in (ConsentScope.CARE_TEAM, ConsentScope.ACUTE_CARE):
                consents.append(
                    Consent(
                        patient=patient,
                        scope=scope,
                        given_on=marked_on,
                        recorded_by_id=gp_user,
                        recorded_by_name="Huisarts (synthetisch)",
                    )
                )
        members.append(
            CareTeamMember(
                patient=patient,
                organization_id=patient.gp_practice_id,
                role=CareTeamRole.GP,
                is_lead_practitioner=True,
                added_by_id=gp_user,
            )
        )
        subregion = practice_subregion.get(patient.gp_practice_id)
        nursing = nursing_by_subregion.get(subregion) if subregion else None
        if nursing and rng.random() < 0.8:
            members.append(
                CareTeamMember(
                    patient=patient,
                    organization_id=nursing,
                    role=CareTeamRole.DISTRICT_NURSE,
                    is_central_contact=rng.random() < 0.9,
                    added_by_id=gp_user,
                )
            )
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            status = rng.choice(
                [
                    SignalStatus.HANDLED,
                    SignalStatus.HANDLED,
                    SignalStatus.ACKNOWLEDGED,
                    SignalStatus.NEW,
                ]
            )
            signals.append(
                _signal(
                    rng,
                    patient,
                    gp_user,
                    now,
                    status,
                    rng.choice(list(SignalSuggestion)),
                    nursing_by_subregion,
                    practice_subregion,
                )
            )
        if rng.random() < 0.75:
            caregivers.append(
                InformalCaregiver(
                    patient=patient,
                    name=f"{rng.choice(GIVEN)} {patient.family_name}",
                    relation=rng.choice(["partner", "dochter", "zoon", "buurvrouw"]),
                )
            )
        if deceased:
            died = min(today, marked_on + dt.timedelta(days=rng.randint(5, 400)))
            place = _weighted(rng, dict(death_places.items()), 1)[0]
            preferred = rng.random() < 0.7
            preferred_place = place if rng.random() < 0.75 else PlaceOfDeath.HOME
            patient.date_of_death = died
            deaths.append(
                DeathRegistration(
                    patient=patient,
                    date_of_death=died,
                    place_of_death=place,
                    expected=YesNoUnknown.YES if rng.random() < 0.9 else YesNoUnknown.NO,
                    preferred_place_known=YesNoUnknown.YES if preferred else YesNoUnknown.UNKNOWN,
                    preferred_place=preferred_place if preferred else "",
                    preferred_place_achieved=(
                        YesNoUnknown.YES
                        if preferred and preferred_place == place
                        else YesNoUnknown.NO
                        if preferred
                        else YesNoUnknown.UNKNOWN
                    ),
                    palliative_sedation=YesNoUnknown.YES
                    if rng.random() < 0.25
                    else YesNoUnknown.NO,
                    hospital_admissions_30d=rng.choice([0, 0, 0, 1, 1, 2]),
                    emergency_visits_30d=rng.choice([0, 0, 1, 1, 2]),
                    had_care_plan=YesNoUnknown.YES if rng.random() < 0.5 else YesNoUnknown.NO,
                    recorded_by_id=gp_user,
                    recorded_by_name="Huisarts (synthetisch)",
                    organization_id=patient.gp_practice_id,
                )
            )
        updates.append(patient)
    for model_rows, model in (
        (markings, Marking),
        (consents, Consent),
        (members, CareTeamMember),
        (signals, Signal),
        (caregivers, InformalCaregiver),
        (deaths, DeathRegistration),
    ):
        _batched(model_rows, model)  # type: ignore[arg-type]
        run.counts[model.__name__] = len(model_rows)
    Patient.objects.bulk_update(
        updates, ["marked_since", "diagnosis_group", "urgency", "date_of_death"], batch_size=BATCH
    )
    checks = []
    saved_caregivers = InformalCaregiver.objects.filter(
        patient_id__in=[p.pk for p in updates]
    ).values_list("pk", "patient__gp_practice_id")
    for caregiver_id, practice_id in saved_caregivers:
        for weeks in range(rng.randint(1, 3)):
            checks.append(
                BurdenCheck(
                    caregiver_id=caregiver_id,
                    score=rng.randint(2, 9),
                    checked_on=today - dt.timedelta(weeks=4 * weeks + 1),
                    checked_by_id=run.gp_user_by_practice[practice_id],
                    checked_by_name="POH (synthetisch)",
                )
            )
    _batched(checks, BurdenCheck)  # type: ignore[arg-type]
    run.counts["BurdenCheck"] = len(checks)


def _signal(
    rng: random.Random,
    patient: Patient,
    gp_user: int,
    now: dt.datetime,
    status: SignalStatus,
    suggestion: SignalSuggestion,
    nursing_by_subregion: dict[int, int],
    practice_subregion: Mapping[int, int | None],
) -> Signal:
    subregion = practice_subregion.get(patient.gp_practice_id)
    sender_org = nursing_by_subregion.get(subregion) if subregion else None
    created = now - dt.timedelta(hours=rng.randint(1, 24 * 60))
    handled = status == SignalStatus.HANDLED
    return Signal(
        patient=patient,
        recipient_id=patient.gp_practice_id,
        dimension=rng.choice(list(Dimension)),
        observation=rng.choice(
            [
                "Meer pijn en onrust 's nachts.",
                "Eet en drinkt minder.",
                "Partner is uitgeput.",
                "Vraagt naar zingeving en afscheid.",
                "Valt vaker, meer zorg nodig.",
            ]
        ),
        suggestion=suggestion,
        sender_id=gp_user,
        sender_name="Wijkverpleegkundige (synthetisch)",
        sender_organization_id=sender_org or patient.gp_practice_id,
        status=status,
        created_at=created,
        acknowledged_at=created + dt.timedelta(hours=2) if status != SignalStatus.NEW else None,
        handled_at=created + dt.timedelta(days=1) if handled else None,
        response="Besproken in het kernteam." if handled else "",
    )


def iter_extenders() -> Iterator[str]:
    yield from _EXTENDERS
