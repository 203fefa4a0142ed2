"""Demo rota and consultation requests for the fictional demo region.

The demo consultation team (Assen) answers office hours in Noordmidden Drenthe and evenings,
nights, weekends and public holidays for the whole region; three invented subregional teams
answer office hours in their subregion. Hoogeveen's Friday office hours end at 12:30 on
purpose, so the coordinator's coverage warnings have something to show. Every name is invented.
"""

from __future__ import annotations

import datetime as dt
import random

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from palliare.accounts import services as account_services
from palliare.accounts.models import Role, User
from palliare.accounts.permissions import RoleCode
from palliare.notifications import services as notifications
from palliare.notifications.messages import message
from palliare.organizations.constants import Discipline, OrganizationType
from palliare.organizations.demo import REGION_CODE
from palliare.organizations.models import (
    Location,
    Membership,
    Organization,
    Professional,
    Region,
    Subregion,
)
from palliare.patients.models import Patient
from palliare.ui import demo

from .constants import (
    HOLIDAY_BIT,
    AgeGroup,
    ConsultationStatus,
    DiagnosisGroup,
    Dimension,
    SlotKind,
    Urgency,
    age_group_for,
)
from .models import ConsultationAdvice, ConsultationRequest, DatedSlot, WeeklySlot

DEMO_TEAM_NAME = "Consultatieteam Palliatieve Zorg Drenthe (demo)"
ANW_PHONE = "0592 700 900"
MON_FRI = 0b0011111
MON_THU = 0b0001111
FRIDAY = 0b0010000
SAT_SUN = 0b1100000

#: Subregional teams: subregion code → (name, phone, place, postcode, street).
TEAMS = {
    "meppel-steenwijkerland": (
        "Consultatieteam PZ Meppel & Steenwijkerland (demo)",
        "0522 700 100",
        "Meppel",
        "7942 KE",
        "Kolkweg 11",
    ),
    "zuidoost-drenthe": (
        "Consultatieteam PZ Zuidoost Drenthe (demo)",
        "0591 700 200",
        "Emmen",
        "7824 AA",
        "Hondsrugpad 4",
    ),
    "hoogeveen": (
        "Consultatieteam PZ Hoogeveen (demo)",
        "0528 700 300",
        "Hoogeveen",
        "7908 HA",
        "Bakenlaan 32",
    ),
}

#: Invented specialists: (team key, given name, family name, discipline, direct phone).
SPECIALISTS = [
    ("consult", "Roos", "Hemmelder", Discipline.ELDERLY_CARE_PHYSICIAN, "0592 700 911"),
    ("consult", "Gerard", "Bosveld", Discipline.NURSE_SPECIALIST, "0592 700 912"),
    ("meppel-steenwijkerland", "Tineke", "Wolderink", Discipline.NURSE_SPECIALIST, ""),
    ("meppel-steenwijkerland", "Ruben", "Ensinga", Discipline.GENERAL_PRACTITIONER, ""),
    ("zuidoost-drenthe", "Maaike", "Schepering", Discipline.NURSE_SPECIALIST, "0591 700 211"),
    ("zuidoost-drenthe", "Jelmer", "Kroezenga", Discipline.MEDICAL_SPECIALIST, ""),
    ("hoogeveen", "Lidwien", "Oldenhave", Discipline.ELDERLY_CARE_PHYSICIAN, ""),
]


def _team(key: str, sub: Subregion, rng: random.Random) -> Organization:
    name, phone, city, postcode, street = TEAMS[key]
    team = Organization.objects.filter(name=name).first()
    if team is None:
        team = Organization(
            name=name,
            type=OrganizationType.CONSULTATION_TEAM,
            subregion=sub,
            agb_code="".join(str(rng.randint(0, 9)) for _ in range(8)),
            phone=phone,
            email=f"consult-{key}@demo.invalid",
            is_demo=True,
        )
        team.save()
        street_name, number = street.rsplit(" ", 1)
        Location.objects.create(
            organization=team, street=street_name, house_number=number, postcode=postcode, city=city
        )
    return team


def _specialists(teams: dict[str, Organization], rng: random.Random) -> dict[str, Professional]:
    role = Role.objects.get(code=RoleCode.PALLIATIVE_SPECIALIST)
    found: dict[str, Professional] = {}
    for key, given, family, discipline, phone in SPECIALISTS:
        professional = Professional.objects.filter(
            given_name=given, family_name=family, is_demo=True
        ).first()
        if professional is None:
            professional = Professional.objects.create(
                given_name=given,
                family_name=family,
                discipline=discipline,
                big_number="".join(str(rng.randint(0, 9)) for _ in range(11)),
                phone=teams[key].phone,
                email=f"{given.lower()}.{family.lower()}@demo.invalid",
                is_demo=True,
            )
            membership = account_services.grant_membership(
                professional, teams[key], role, actor=None, job_title="Specialist palliatieve zorg"
            )
            if phone:
                Membership.objects.filter(pk=membership.pk).update(phone=phone)
        found[family] = professional
    # The demo account "specialistpz" works in the demo consultation team too.
    user = User.objects.filter(username="specialistpz").select_related("professional").first()
    if user is not None and hasattr(user, "professional"):
        found["specialistpz"] = user.professional
    return found


def _weekly(region: Region, sub: Subregion | None, team: Organization, **fields: object) -> None:
    WeeklySlot.objects.create(region=region, subregion=sub, team=team, **fields)


@demo.register("consultations", order=40)
def load(rng: random.Random) -> str:
    """Consultation teams, specialists, the rota and demo consultation requests."""
    region = Region.objects.filter(code=REGION_CODE).first()
    consult = Organization.objects.filter(name=DEMO_TEAM_NAME).first()
    if region is None or consult is None:
        return "skipped: load the directory demo first"
    subs = {s.code: s for s in region.subregions.all()}
    teams = {"consult": consult}
    teams.update({key: _team(key, subs[key], rng) for key in TEAMS})
    people = _specialists(teams, rng)
    if WeeklySlot.objects.filter(team=consult).exists():
        return "rota already loaded"

    office = {"kind": SlotKind.OFFICE_HOURS, "start_time": dt.time(8), "end_time": dt.time(17)}
    anw = {"kind": SlotKind.OUT_OF_HOURS, "phone": ANW_PHONE}
    # Out of hours, region-wide: evenings, nights, weekends and public holidays.
    _weekly(region, None, consult, days=MON_FRI, start_time=dt.time(17), end_time=dt.time(0), **anw)
    _weekly(region, None, consult, days=MON_FRI, start_time=dt.time(0), end_time=dt.time(8), **anw)
    _weekly(
        region,
        None,
        consult,
        days=SAT_SUN | HOLIDAY_BIT,
        start_time=dt.time(0),
        end_time=dt.time(0),
        **anw,
    )
    # Office hours per subregion.
    assen = subs["noordmidden-drenthe"]
    lead = people.get("specialistpz")
    _weekly(region, assen, consult, days=0b0000111, specialist=lead, **office)
    _weekly(region, assen, consult, days=0b0011000, specialist=people["Hemmelder"], **office)
    _weekly(
        region,
        subs["meppel-steenwijkerland"],
        teams["meppel-steenwijkerland"],
        days=MON_FRI,
        specialist=people["Wolderink"],
        **office,
    )
    _weekly(
        region,
        subs["zuidoost-drenthe"],
        teams["zuidoost-drenthe"],
        days=MON_FRI,
        specialist=people["Schepering"],
        **office,
    )
    _weekly(region, subs["hoogeveen"], teams["hoogeveen"], days=MON_THU, **office)
    _weekly(
        region,
        subs["hoogeveen"],
        teams["hoogeveen"],
        days=FRIDAY,
        kind=SlotKind.OFFICE_HOURS,
        start_time=dt.time(8),
        end_time=dt.time(12, 30),
        note="Vrijdagmiddag nog niet geregeld (demo van een gat in het rooster)",
    )
    # A replacement: next Wednesday the Assen team covers office hours in Zuidoost Drenthe.
    today = timezone.localdate()
    wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7 or 7)
    DatedSlot.objects.create(
        region=region,
        subregion=subs["zuidoost-drenthe"],
        team=consult,
        specialist=people["Bosveld"],
        date=wednesday,
        **office,
        note="Vervanging: teamdag Emmen",
    )
    requests = _requests(consult, assen)
    return (
        f"{len(teams)} consultation teams, {len(SPECIALISTS)} specialists, "
        f"{WeeklySlot.objects.count()} weekly and {DatedSlot.objects.count()} dated slots "
        f"(Hoogeveen Friday afternoon left open on purpose), {requests} consultation requests"
    )


def _requests(team: Organization, subregion: Subregion) -> int:
    gp = User.objects.filter(username="huisarts").first()
    specialist = User.objects.filter(username="specialistpz").first()
    if gp is None or specialist is None:
        return 0
    now = timezone.now()
    asked = now - dt.timedelta(days=2, hours=3)
    advised = ConsultationRequest.objects.create(
        status=ConsultationStatus.ADVISED,
        urgency=Urgency.TODAY,
        dimension=Dimension.PHYSICAL,
        question=(
            "Man met longkanker, ernstige benauwdheid 's nachts ondanks morfine oraal. "
            "Wat is een verantwoorde volgende stap thuis?"
        ),
        age_group=AgeGroup.AGE_75_84,
        diagnosis_group=DiagnosisGroup.CANCER,
        subregion=subregion,
        team=team,
        requested_by=gp,
        requesting_organization=Organization.objects.filter(
            name="Huisartsenpraktijk De Lindehoeve"
        ).first(),
        created_at=asked,
        respond_by=asked + dt.timedelta(hours=8),
        accepted_at=asked + dt.timedelta(minutes=35),
        accepted_by=specialist,
        time_to_first_response=dt.timedelta(minutes=35),
        first_advice_at=asked + dt.timedelta(hours=2),
    )
    ConsultationAdvice.objects.create(
        request=advised,
        version=1,
        text=(
            "Overweeg subcutane morfine via een pomp, start laag en evalueer na 24 uur. "
            "Bespreek ook angst als factor bij de benauwdheid; bel ons bij twijfel."
        ),
        author=specialist,
        author_name=str(specialist),
        created_at=asked + dt.timedelta(hours=2),
    )
    count = 2
    patient = Patient.objects.filter(
        given_name="Harm", family_name="Oosting", is_synthetic=False
    ).first()
    if patient is not None:
        _patient_request(patient, team, subregion, gp, specialist, now)
        count += 1
    asked_new = now - dt.timedelta(hours=1)
    ConsultationRequest.objects.create(
        urgency=Urgency.THIS_WEEK,
        dimension=Dimension.SPIRITUAL,
        question=(
            "Vrouw met hartfalen wil praten over zingeving en afscheid; familie is "
            "verdeeld. Wie kan ondersteunen en hoe bereiden we het gesprek voor?"
        ),
        age_group=AgeGroup.AGE_85_PLUS,
        diagnosis_group=DiagnosisGroup.HEART_FAILURE,
        subregion=subregion,
        team=team,
        requested_by=gp,
        created_at=asked_new,
        respond_by=asked_new + dt.timedelta(days=5),
    )
    return count


def _patient_request(
    patient: Patient,
    team: Organization,
    subregion: Subregion,
    gp: User,
    specialist: User,
    now: dt.datetime,
) -> None:
    """An advised request about a demo patient: the district nurse in the care team sees the
    advice on the patient's page and in her notifications."""
    asked = now - dt.timedelta(hours=5)
    request = ConsultationRequest.objects.create(
        status=ConsultationStatus.ADVISED,
        urgency=Urgency.TODAY,
        dimension=Dimension.PHYSICAL,
        question="Toenemende pijn in de rug ondanks oxycodon 2 dd 10 mg. Ophogen of roteren?",
        patient=patient,
        age_group=age_group_for(patient.age),
        diagnosis_group=DiagnosisGroup.CANCER,
        subregion=subregion,
        team=team,
        requested_by=gp,
        requesting_organization=patient.gp_practice,
        created_at=asked,
        respond_by=asked + dt.timedelta(hours=8),
        accepted_at=asked + dt.timedelta(minutes=20),
        accepted_by=specialist,
        time_to_first_response=dt.timedelta(minutes=20),
        first_advice_at=asked + dt.timedelta(hours=1),
    )
    ConsultationAdvice.objects.create(
        request=request,
        version=1,
        text=(
            "Hoog oxycodon op naar 2 dd 20 mg en geef doorbraakmedicatie. Overweeg bij "
            "onvoldoende effect een fentanylpleister. Evalueer over twee dagen met de "
            "wijkverpleging."
        ),
        author=specialist,
        author_name=str(specialist),
        created_at=asked + dt.timedelta(hours=1),
    )
    nurse = User.objects.filter(username="wijkverpleging").first()
    notifications.notify(
        [u for u in (gp, nurse) if u is not None],
        kind="consultation.advised",
        title=message(
            gettext_noop("Advice from %(team)s on consultation request %(reference)s"),
            team=team.name,
            reference=request.reference,
        ),
        url=reverse("consultations:requests:detail", args=[request.pk]),
        patient_id=patient.pk,
    )
