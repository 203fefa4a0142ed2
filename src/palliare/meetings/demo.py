"""Demo data: the core team of Huisartsenpraktijk De Lindehoeve (coordinator ``kernteam``, with
``huisarts``, ``poh``, ``wijkverpleging`` and ``specialistpz``), a meeting held two weeks ago
with minutes, an after-death analysis and action items, and the next meeting with its agenda.

The practice's patients from the register's own demo data are used when there are enough;
otherwise a few fictional patients are registered here, through the register's services. All
names are invented. Safe to run again: nothing is created twice."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone, translation

from palliare.accounts.actors import Actor, actor_for
from palliare.accounts.models import User
from palliare.organizations.models import Organization
from palliare.patients import services as patient_services
from palliare.patients.constants import (
    CareTeamRole,
    ConsentGivenBy,
    ConsentScope,
    DiagnosisGroup,
    Dimension,
    PlaceOfDeath,
    SignalSuggestion,
    Urgency,
)
from palliare.patients.models import Patient
from palliare.patients.validators import make_bsn
from palliare.ui import demo

from . import access, services
from .constants import AttendanceMode, MeetingKind
from .models import AgendaItem, CoreTeam, Meeting

PRACTICE = "Huisartsenpraktijk De Lindehoeve"
NURSING = "Wijkzorg Zandgrond"
CONSULT = "Consultatieteam Palliatieve Zorg Drenthe (demo)"
TEAM = "Kernteam De Lindehoeve"

#: Fictional patients registered when the register has no demo patients of its own:
#: (bsn seed, given, prefix, family, born, sex, diagnosis group, diagnosis, marked days ago,
#:  urgency, died days ago).
PATIENTS = [
    (
        91_000_001,
        "Aaltje",
        "",
        "Veldkamp",
        dt.date(1938, 4, 2),
        "F",
        DiagnosisGroup.ORGAN_FAILURE,
        "hartfalen NYHA IV",
        120,
        Urgency.RED,
        None,
    ),
    (
        91_000_002,
        "Harm",
        "",
        "Lanting",
        dt.date(1947, 9, 21),
        "M",
        DiagnosisGroup.CANCER,
        "gemetastaseerd pancreascarcinoom",
        6,
        Urgency.ORANGE,
        None,
    ),
    (
        91_000_003,
        "Roelie",
        "",
        "Scheeper",
        dt.date(1931, 1, 30),
        "F",
        DiagnosisGroup.FRAILTY_DEMENTIA,
        "dementie, toenemende kwetsbaarheid",
        200,
        Urgency.GREEN,
        None,
    ),
    (
        91_000_004,
        "Jan Hendrik",
        "ter",
        "Borg",
        dt.date(1944, 6, 11),
        "M",
        DiagnosisGroup.CANCER,
        "longcarcinoom",
        90,
        Urgency.RED,
        5,
    ),
    (
        91_000_005,
        "Trijntje",
        "",
        "Meinders",
        dt.date(1936, 12, 5),
        "F",
        DiagnosisGroup.ORGAN_FAILURE,
        "COPD GOLD 4",
        150,
        Urgency.RED,
        20,
    ),
    (91_000_006, "Geert", "", "Hofsteenge", dt.date(1950, 3, 17), "M", None, "", None, "", None),
]


DISCUSSION = {
    "physical": "Toenemende benauwdheid en vermoeidheid; pijn redelijk onder controle.",
    "psychological": "Somber over het vooruitzicht, wil graag thuis blijven.",
    "social": "Naaste zorgt dag en nacht, de belasting loopt op.",
    "spiritual": "Wil afscheid nemen van de kinderen; geestelijk verzorger is welkom.",
    "decisions": "Proactieve zorgplanning bijwerken; inzet VPTZ bespreken met de naaste.",
}
AFTER_DEATH = {
    "decisions": "Nabespreking gedaan met het hele kernteam.",
    "review_went_well": "Snelle inzet van de wijkverpleging en de palliatieve thuiszorg; de "
    "familie voelde zich gesteund.",
    "review_to_improve": "De wensen waren laat vastgelegd; de huisartsenpost kende ze in het "
    "weekend niet.",
    "review_lessons": "Behandelwensen en voorkeursplek direct na de markering overdragen aan de "
    "huisartsenpost.",
}


def _after_death(patient: Patient) -> dict[str, str]:
    """The after-death analysis, with the place of death from the death registration."""
    data = dict(AFTER_DEATH)
    registration = patient.death_registrations.order_by("-version").first()
    if registration is not None:
        data["review_preferred_place"] = registration.preferred_place
        data["review_place_matched"] = registration.preferred_place_achieved
        with translation.override("nl"):
            data["review_place_comment"] = (
                f"Overleden: {registration.get_place_of_death_display()}; gewenst: "
                f"{registration.get_preferred_place_display() or 'onbekend'}."
            )
    return data


def _actor(username: str) -> Actor | None:
    user = User.objects.filter(username=username).first()
    return actor_for(user) if user is not None else None


def _at(days: int, hour: int = 12, minute: int = 30) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5:  # meetings on weekdays
        day += dt.timedelta(days=1 if days >= 0 else -1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _core_team(gp: Actor, actors: dict[str, Actor], orgs: dict[str, Organization]) -> CoreTeam:
    team = CoreTeam.objects.filter(name=TEAM).first()
    if team is not None:
        return team
    coordinator = actors["kernteam"].membership
    team = services.create_core_team(
        gp,
        name=TEAM,
        coordinator=coordinator.professional if coordinator else None,
        default_kind=MeetingKind.PATZ,
        default_location="De Lindehoeve, vergaderkamer",
        default_online_url="https://video.demo.invalid/kernteam-lindehoeve",
        default_duration_minutes=60,
    )
    members = [
        ("huisarts", PRACTICE, CareTeamRole.GP),
        ("poh", PRACTICE, CareTeamRole.PRACTICE_NURSE),
        ("wijkverpleging", NURSING, CareTeamRole.DISTRICT_NURSE),
        ("specialistpz", CONSULT, CareTeamRole.PALLIATIVE_SPECIALIST),
    ]
    for username, org_name, role in members:
        membership = actors[username].membership
        if membership is None:
            continue
        services.add_core_team_member(
            gp, team, organization=orgs[org_name], professional=membership.professional, role=role
        )
    return team


def _demo_patients(
    gp: Actor, nurse: Actor, practice: Organization, nursing: Organization
) -> list[Patient]:
    """The practice's patients; registers the fictional ones above when there are too few."""
    existing = list(Patient.objects.filter(gp_practice=practice).order_by("pk"))
    if len(existing) >= 5:
        return existing
    created: list[Patient] = []
    today = timezone.localdate()
    for seed, given, prefix, family, born, sex, group, diagnosis, marked, urgency, died in PATIENTS:
        bsn = make_bsn(seed)
        patient = Patient.objects.filter(bsn=bsn).first()
        if patient is not None:
            created.append(patient)
            continue
        patient = patient_services.register_patient(
            gp,
            data={
                "bsn": bsn,
                "given_name": given,
                "family_name_prefix": prefix,
                "family_name": family,
                "date_of_birth": born,
                "sex": sex,
                "street": "",
                "house_number": "",
                "postcode": "",
                "city": "Assen",
                "phone": "",
                "gp_practice": practice,
            },
        )
        if group is not None:  # the unmarked patient has not consented to sharing (yet)
            patient_services.record_consent(
                gp,
                patient,
                scope=ConsentScope.CARE_TEAM,
                given_on=today - dt.timedelta(days=(marked or 30) + 1),
                given_by=ConsentGivenBy.PATIENT,
            )
        nursing_member = patient_services.add_care_team_member(
            gp, patient, organization=nursing, role=CareTeamRole.DISTRICT_NURSE
        )
        if group is not None and marked is not None:
            patient_services.mark_patient(
                gp,
                patient,
                data={
                    "marked_on": today - dt.timedelta(days=marked),
                    "diagnosis_group": group,
                    "diagnosis": diagnosis,
                    "surprise_question": "no",
                },
            )
            if died is None and marked > 30:  # the newly marked one still needs one
                patient_services.set_central_contact(gp, nursing_member)
        if urgency:
            patient_services.set_urgency(gp, patient, urgency=Urgency(urgency))
        if group is None:
            patient_services.send_signal(
                nurse,
                patient,
                dimension=Dimension.PHYSICAL,
                observation="Valt af, eet slecht en is veel moe. Partner maakt zich zorgen.",
                suggestion=SignalSuggestion.CONSIDER_MARKING,
            )
        if died is not None:
            patient_services.register_death(
                gp,
                patient,
                data={
                    "date_of_death": today - dt.timedelta(days=died),
                    "place_of_death": PlaceOfDeath.HOME if died < 10 else PlaceOfDeath.HOSPITAL,
                    "expected": "yes",
                    "preferred_place_known": "yes",
                    "preferred_place": PlaceOfDeath.HOME,
                    "preferred_place_achieved": "yes" if died < 10 else "no",
                    "palliative_sedation": "no",
                    "had_care_plan": "yes",
                },
            )
        created.append(Patient.objects.get(pk=patient.pk))
    return created


def _held_meeting(
    team: CoreTeam, gp: Actor, coordinator: Actor, actors: dict[str, Actor]
) -> Meeting | None:
    """Last week's meeting: minutes for everyone on the agenda (an after-death analysis for
    who died), and three actions — one overdue and one done for the practice nurse, one open
    for the district nurse about a patient her organisation may see."""
    if Meeting.objects.filter(core_team=team, starts_at__lt=timezone.now()).exists():
        return None
    meeting = services.plan_meeting(coordinator, team, starts_at=_at(-4))
    _specialist_remote(meeting, coordinator)
    services.prepare_agenda(coordinator, meeting)
    items = list(
        AgendaItem.objects.filter(meeting=meeting, removed_at__isnull=True)
        .select_related("patient")
        .order_by("position")
    )
    for item in items:
        services.save_minutes(
            coordinator,
            item,
            data=_after_death(item.patient) if item.patient.is_deceased else DISCUSSION,
            expected_version=0,
        )
    living = [i for i in items if not i.patient.is_deceased]
    poh, nurse = actors["poh"].membership, actors["wijkverpleging"].membership
    today = timezone.localdate()
    if poh is not None and living:
        services.add_action_item(
            coordinator,
            living[0],
            description="Gesprek proactieve zorgplanning met patiënt en naaste",
            due_on=today - dt.timedelta(days=1),
            owner=poh.professional,
            dimension=Dimension.PSYCHOLOGICAL,
        )  # stays open and overdue: shows on the POH's start page
    if poh is not None and len(living) > 1:
        done = services.add_action_item(
            coordinator,
            living[-1],
            description="Medicatiereview met de apotheek plannen",
            due_on=today - dt.timedelta(days=1),
            owner=poh.professional,
            dimension=Dimension.PHYSICAL,
        )
        services.complete_action_item(actors["poh"], done, note="Gepland voor volgende week.")
    if nurse is not None:
        shared = next(
            (i for i in living if access.organization_may_see(nurse.organization, i.patient)),
            None,
        )
        if shared is not None:
            services.add_action_item(
                coordinator,
                shared,
                description="Mantelzorgbelasting meten en inzet VPTZ voorstellen",
                due_on=today + dt.timedelta(days=4),
                owner=nurse.professional,
                dimension=Dimension.SOCIAL,
            )
    for attendee in meeting.attendees.all():
        services.set_attendance(coordinator, attendee, attended=True)
    services.mark_held(gp, meeting)
    return meeting


def _specialist_remote(meeting: Meeting, coordinator: Actor) -> None:
    for attendee in meeting.attendees.filter(professional__user__username="specialistpz"):
        services.set_attendance(coordinator, attendee, mode=AttendanceMode.REMOTE)


def _upcoming_meeting(team: CoreTeam, coordinator: Actor) -> Meeting | None:
    if Meeting.objects.filter(core_team=team, starts_at__gte=timezone.now()).exists():
        return None
    meeting = services.plan_meeting(coordinator, team, starts_at=_at(7))
    _specialist_remote(meeting, coordinator)
    services.prepare_agenda(coordinator, meeting)
    return meeting


@demo.register("meetings", order=60)
def load(rng: random.Random) -> str:
    """The core team of De Lindehoeve with a held and an upcoming PaTz meeting."""
    usernames = ["huisarts", "poh", "kernteam", "wijkverpleging", "specialistpz"]
    actors = {name: actor for name in usernames if (actor := _actor(name)) is not None}
    orgs = {o.name: o for o in Organization.objects.filter(name__in=[PRACTICE, NURSING, CONSULT])}
    if len(actors) < len(usernames) or len(orgs) < 3:
        return "skipped: the directory demo data (organisations and accounts) is missing"
    gp, coordinator = actors["huisarts"], actors["kernteam"]
    team = _core_team(gp, actors, orgs)
    patients = _demo_patients(gp, actors["wijkverpleging"], orgs[PRACTICE], orgs[NURSING])
    held = _held_meeting(team, gp, coordinator, actors)
    upcoming = _upcoming_meeting(team, coordinator)
    return (
        f"core team {team.name!r}, {len(patients)} patients of the practice, "
        f"meetings created: {int(held is not None) + int(upcoming is not None)}"
    )
