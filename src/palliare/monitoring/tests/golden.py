"""A hand-worked fixture for the golden tests: two subregions, five deaths in Q1 2026 and four
consultation requests, each chosen to test one inclusion or exclusion. The expected figures are
worked out by hand in ``test_rules.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from palliare.accounts.factories import UserFactory
from palliare.careplans.models import CarePlan, CarePlanVersion
from palliare.consultations.constants import ConsultationStatus, Urgency
from palliare.consultations.factories import ConsultationRequestFactory, ConsultationTeamFactory
from palliare.meetings.constants import MeetingStatus
from palliare.meetings.factories import AgendaItemFactory, MeetingFactory
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
    RegionFactory,
    SubregionFactory,
)
from palliare.organizations.models import Organization, Region, Subregion
from palliare.patients.constants import (
    CareTeamRole,
    ConsentScope,
    DiagnosisGroup,
    PlaceOfDeath,
    VolunteerStatus,
    YesNoUnknown,
)
from palliare.patients.factories import (
    CareTeamMemberFactory,
    ConsentFactory,
    MarkingFactory,
    PatientFactory,
)
from palliare.patients.models import (
    BurdenCheck,
    DeathRegistration,
    InformalCaregiver,
    Patient,
    VolunteerDeployment,
)

Q1_2026 = (dt.date(2026, 1, 1), dt.date(2026, 4, 1))


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


@dataclass
class World:
    region: Region
    north: Subregion
    south: Subregion
    p1: Organization
    p2: Organization
    team: Organization
    patients: dict[str, Patient]


def death(patient: Patient, day: dt.date, *, version: int = 1, **fields: Any) -> DeathRegistration:
    values: dict[str, Any] = {
        "place_of_death": PlaceOfDeath.HOME,
        "expected": YesNoUnknown.YES,
        "preferred_place_known": YesNoUnknown.UNKNOWN,
        "preferred_place_achieved": YesNoUnknown.UNKNOWN,
        "palliative_sedation": YesNoUnknown.NO,
        "had_care_plan": YesNoUnknown.NO,
    } | fields
    user = UserFactory()
    Patient.objects.filter(pk=patient.pk).update(date_of_death=day)
    return DeathRegistration.objects.create(
        patient=patient,
        version=version,
        date_of_death=day,
        recorded_by=user,
        recorded_by_name="Dr. Test",
        organization=patient.gp_practice,
        **values,
    )


def plan(patient: Patient, created: dt.date) -> None:
    care_plan = CarePlan.objects.create(patient=patient)
    CarePlanVersion.objects.create(
        plan=care_plan,
        number=1,
        content={},
        author=UserFactory(),
        author_name="Dr. Test",
        created_at=at(created),
    )


def build() -> World:
    region = RegionFactory()
    north, south = SubregionFactory(region=region), SubregionFactory(region=region)
    north_area = PostcodeAreaFactory(pc4="9401", municipality=MunicipalityFactory(subregion=north))
    south_area = PostcodeAreaFactory(pc4="7811", municipality=MunicipalityFactory(subregion=south))
    p1 = OrganizationFactory(type=OrganizationType.GP_PRACTICE, subregion=north)
    p2 = OrganizationFactory(type=OrganizationType.GP_PRACTICE, subregion=south)
    born = dt.date(1940, 6, 15)
    people: dict[str, Patient] = {}
    for name, practice, area in (
        ("A", p1, north_area),
        ("B", p1, north_area),
        ("C", p2, south_area),
        ("D", p2, south_area),
        ("E", p2, south_area),
    ):
        people[name] = PatientFactory(
            gp_practice=practice,
            postcode=f"{area.pc4}AB",
            date_of_birth=dt.date(1960, 1, 1) if name == "E" else born,
            diagnosis_group=DiagnosisGroup.CANCER,
        )
    a, b, c, d, e = (people[k] for k in "ABCDE")
    # A: marked 60 days before death, plan + acute consent, discussed, caregiver checked, volunteer.
    MarkingFactory(patient=a, marked_on=dt.date(2025, 12, 12))
    plan(a, dt.date(2026, 1, 5))
    ConsentFactory(patient=a, scope=ConsentScope.ACUTE_CARE, given_on=dt.date(2026, 1, 5))
    held = MeetingFactory(starts_at=at(dt.date(2026, 1, 20)), status=MeetingStatus.HELD)
    AgendaItemFactory(meeting=held, patient=a)
    carer = InformalCaregiver.objects.create(patient=a, name="Partner", relation="partner")
    BurdenCheck.objects.create(
        caregiver=carer,
        checked_on=dt.date(2026, 1, 10),
        score=4,
        checked_by=UserFactory(),
        checked_by_name="POH",
    )
    VolunteerDeployment.objects.create(
        patient=a,
        status=VolunteerStatus.ACTIVE,
        organization=OrganizationFactory(),
        recorded_by=UserFactory(),
        recorded_by_name="VPTZ",
        created_at=at(dt.date(2026, 1, 15)),
    )
    death(
        a,
        dt.date(2026, 2, 10),
        preferred_place_known=YesNoUnknown.YES,
        preferred_place=PlaceOfDeath.HOME,
        preferred_place_achieved=YesNoUnknown.YES,
        hospital_admissions_30d=0,
        emergency_visits_30d=1,
    )
    # B: marked 10 days before death; no plan in Palliare but the registration says there was one.
    MarkingFactory(patient=b, marked_on=dt.date(2026, 2, 19))
    CareTeamMemberFactory(
        patient=b,
        is_central_contact=True,
        role=CareTeamRole.DISTRICT_NURSE,
        started_at=at(dt.date(2026, 2, 25)),
    )
    InformalCaregiver.objects.create(patient=b, name="Dochter", relation="dochter")
    death(
        b,
        dt.date(2026, 3, 1),
        place_of_death=PlaceOfDeath.HOSPITAL,
        preferred_place_known=YesNoUnknown.YES,
        preferred_place=PlaceOfDeath.HOME,
        preferred_place_achieved=YesNoUnknown.NO,
        hospital_admissions_30d=2,
        emergency_visits_30d=0,
        had_care_plan=YesNoUnknown.YES,
    )
    # C: not marked, no plan, preference unknown, admissions not filled in.
    death(c, dt.date(2026, 1, 20), place_of_death=PlaceOfDeath.HOSPICE)
    # D: unexpected death (a plan before it: still excluded from the expected-death KPIs).
    plan(d, dt.date(2026, 1, 2))
    death(
        d,
        dt.date(2026, 2, 15),
        expected=YesNoUnknown.NO,
        place_of_death=PlaceOfDeath.HOSPITAL,
        preferred_place_known=YesNoUnknown.YES,
        preferred_place=PlaceOfDeath.HOSPITAL,
        preferred_place_achieved=YesNoUnknown.YES,
        hospital_admissions_30d=1,
    )
    # E: aged 66; marked 60 days before; plan only after death; meeting after death; corrected
    # registration (version 1 said hospital, version 2 home).
    MarkingFactory(patient=e, marked_on=dt.date(2026, 1, 19))
    CareTeamMemberFactory(
        patient=e,
        is_central_contact=True,
        role=CareTeamRole.DISTRICT_NURSE,
        started_at=at(dt.date(2026, 2, 10)),
    )
    plan(e, dt.date(2026, 3, 25))
    later = MeetingFactory(starts_at=at(dt.date(2026, 4, 10)), status=MeetingStatus.HELD)
    AgendaItemFactory(meeting=later, patient=e)
    death(e, dt.date(2026, 3, 20), place_of_death=PlaceOfDeath.HOSPITAL)
    death(
        e,
        dt.date(2026, 3, 20),
        version=2,
        preferred_place_known=YesNoUnknown.YES,
        preferred_place=PlaceOfDeath.HOME,
        preferred_place_achieved=YesNoUnknown.YES,
        hospital_admissions_30d=0,
        emergency_visits_30d=0,
    )
    team = ConsultationTeamFactory(subregion=north)
    for urgency, asked, minutes in (
        (Urgency.WITHIN_HOUR, at(dt.date(2026, 1, 12), 10), 30),  # Monday, office hours
        (Urgency.WITHIN_HOUR, at(dt.date(2026, 1, 17), 22), 90),  # Saturday night, late
        (Urgency.TODAY, at(dt.date(2026, 1, 13), 9), 120),  # Tuesday, office hours
        (Urgency.THIS_WEEK, at(dt.date(2026, 1, 14), 14), 3000),  # Wednesday, within 5 days
    ):
        targets = {Urgency.WITHIN_HOUR: 60, Urgency.TODAY: 480, Urgency.THIS_WEEK: 7200}
        ConsultationRequestFactory(
            urgency=urgency,
            subregion=north,
            team=team,
            created_at=asked,
            respond_by=asked + dt.timedelta(minutes=targets[urgency]),
            status=ConsultationStatus.ACCEPTED,
            accepted_at=asked + dt.timedelta(minutes=minutes),
            time_to_first_response=dt.timedelta(minutes=minutes),
        )
    ConsultationRequestFactory(
        subregion=north, team=team, created_at=at(dt.date(2026, 2, 2))
    )  # open
    return World(region, north, south, p1, p2, team, people)


def build_more(world: World, *, copies: int) -> None:
    """More deaths of the same kinds in the same areas (for query counts at two sizes)."""
    for n in range(copies):
        for practice in (world.p1, world.p2):
            area = "9401" if practice == world.p1 else "7811"
            patient = PatientFactory(
                gp_practice=practice, postcode=f"{area}CD", diagnosis_group=DiagnosisGroup.CANCER
            )
            MarkingFactory(patient=patient, marked_on=dt.date(2026, 1, 2 + n))
            plan(patient, dt.date(2026, 1, 3 + n))
            death(patient, dt.date(2026, 2, 1 + n), hospital_admissions_30d=n % 2)


@dataclass
class Beds:
    """The bed-history fixture: a hospice in the north, a palliative unit in the south, and an
    inactive hospice whose reports do not count."""

    hospice: Any
    unit: Any
    inactive: Any


def _bed_report(facility: Any, moment: dt.datetime, beds: int, free: int, status: str) -> None:
    from palliare.capacity.constants import Channel
    from palliare.capacity.models import BedStatus

    BedStatus.objects.create(
        facility=facility,
        recorded_at=moment,
        beds=beds,
        free_beds=free,
        admission_status=status,
        recorded_by_name="Coördinator",
        channel=Channel.WEB,
    )


def build_beds(world: World) -> Beds:
    """Bed reports in the last days of Q4 2025 (no daylight-saving change), worked out by hand
    in ``test_rules.py``. Times are Dutch local time."""
    from palliare.capacity.constants import AdmissionStatus, FacilityKind
    from palliare.capacity.models import Facility
    from palliare.organizations.factories import LocationFactory

    def facility(subregion: Subregion, pc4: str, kind: str, **fields: Any) -> Facility:
        org = OrganizationFactory(type=OrganizationType.HOSPICE, subregion=subregion)
        location = LocationFactory(organization=org, postcode=f"{pc4} XY")
        return Facility.objects.create(organization=org, location=location, kind=kind, **fields)

    hospice = facility(world.north, "9401", FacilityKind.HOSPICE)
    unit = facility(world.south, "7811", FacilityKind.PALLIATIVE_UNIT)
    inactive = facility(world.north, "9401", FacilityKind.HOSPICE, is_active=False)
    stop, closed, open_ = (
        AdmissionStatus.ADMISSION_STOP,
        AdmissionStatus.CLOSED,
        AdmissionStatus.OPEN,
    )
    dec = [dt.date(2025, 12, d) for d in range(32)[1:]]
    for day, hour, minute, free, status in (
        (23, 20, 0, 2, open_),
        (24, 9, 0, 1, open_),
        (25, 10, 0, 0, stop),
        (27, 11, 0, 0, stop),  # nothing on the 26th: 38 h old at its midnight, stale
        (28, 8, 0, 3, open_),
        (29, 7, 0, 3, open_),
        (30, 7, 30, 2, open_),  # 24.5 h after the last, but fresh at midnight
        (31, 6, 0, 4, open_),
    ):
        _bed_report(hospice, at(dec[day - 1], hour, minute), 6, free, status)
    for day, hour, free, status in (
        (27, 12, 1, open_),
        (28, 0, 1, open_),  # at midnight: exactly 24 h old at the next one, not older
        (29, 10, 0, closed),
        (31, 9, 2, open_),  # nothing on the 30th: stale
    ):
        _bed_report(unit, at(dec[day - 1], hour), 4, free, status)
    _bed_report(inactive, at(dec[20], 9), 5, 0, stop)
    return Beds(hospice, unit, inactive)
