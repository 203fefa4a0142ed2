"""Demo training for the fictional region: courses from the seeds' calendar (conversation
training ACP, basic course, inspiration session, link-nurse course), sessions across the
subregions — one full with a waiting list, one past with attendance recorded — and knowledge
carriers of member organisations. Every name is invented."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from palliare.organizations.constants import Discipline
from palliare.organizations.models import Membership, Organization, Subregion
from palliare.ui import demo

from .constants import CarrierKind, RegistrationStatus
from .models import Course, KnowledgeCarrier, Registration, Session

COURSES = [
    (
        "Gespreksvoering proactieve zorgplanning",
        "Oefenen met gesprekken over wensen en grenzen, met een trainingsacteur.",
        [Discipline.GENERAL_PRACTITIONER, Discipline.PRACTICE_NURSE, Discipline.NURSE],
        Decimal("4"),
        Decimal("0"),
    ),
    (
        "Basiscursus palliatieve zorg voor kennisdragers",
        "Drie dagdelen over symptoomlast, markering en samenwerking in de regio.",
        [Discipline.NURSE, Discipline.NURSE_SPECIALIST],
        Decimal("9"),
        Decimal("95"),
    ),
    (
        "Inspiratiesessie palliatieve zorg",
        "Korte online sessie met voorbeelden uit de praktijk.",
        [],
        Decimal("1"),
        Decimal("0"),
    ),
    (
        "Aandachtsveldersbijeenkomst",
        "Uitwisseling tussen aandachtsvelders van VVT-organisaties.",
        [Discipline.NURSE],
        Decimal("2"),
        Decimal("0"),
    ),
]


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _register(session: Session, membership: Membership, status: str, **extra: object) -> None:
    professional = membership.professional
    if Registration.objects.filter(session=session, professional=professional).exists():
        return
    Registration.objects.create(
        session=session,
        professional=professional,
        organization=membership.organization,
        discipline=professional.discipline,
        subregion_id=membership.organization.subregion_id,
        status=status,
        **extra,
    )


@demo.register("training", order=70)
def load(rng: random.Random) -> str:
    """Courses, sessions (one full with a waiting list, one past), knowledge carriers."""
    if Course.objects.exists():
        return "already loaded"
    courses = [
        Course.objects.create(
            title=title,
            description=text,
            target_disciplines=[str(d) for d in disciplines],
            accreditation_points=points,
            cost=cost,
        )
        for title, text, disciplines, points, cost in COURSES
    ]
    subregions = {s.code: s for s in Subregion.objects.all()}
    organizer = Organization.objects.filter(name__icontains="netwerk").first()
    memberships = list(
        Membership.objects.filter(professional__is_demo=True)
        .select_related("professional", "organization")
        .order_by("pk")
    )
    sessions: list[Session] = []
    # (course, days from today, hour, places, venue, subregion code): the venue's town lies in
    # the session's subregion; online sessions have neither.
    plan = [
        (0, 12, 10, 24, "Zalencentrum De Brink, Assen", "noordmidden-drenthe"),
        (0, 40, 13, 24, "Ziekenhuis Bethesda, Hoogeveen", "hoogeveen"),
        (1, 9, 19, 3, "", ""),  # the full online inspiration session
        (1, 30, 19, 100, "", ""),
        (2, 21, 9, 16, "Zorgcentrum De Wieden, Steenwijk", "meppel-steenwijkerland"),
        (3, 60, 14, 20, "Scheper Ziekenhuis, Emmen", "zuidoost-drenthe"),
        (0, -20, 13, 24, "Zalencentrum De Brink, Assen", "noordmidden-drenthe"),  # past
    ]
    for course_index, days, hour, places, venue, subregion_code in plan:
        sessions.append(
            Session.objects.create(
                course=courses[course_index],
                starts_at=_at(days, hour),
                ends_at=_at(days, hour) + dt.timedelta(hours=3 if venue else 1),
                is_online=not venue,
                online_url="https://meet.example.invalid/inspiratie" if not venue else "",
                venue=venue,
                subregion=subregions.get(subregion_code),
                places=places,
                trainer=rng.choice(["Annet Bosma", "Gert Huizing", "Ilse Mulder"]),
                organizer=organizer,
            )
        )
    full, past = sessions[2], sessions[-1]
    others = [
        m
        for m in memberships
        if m.professional.user and m.professional.user.username != "wijkverpleging"
    ]
    for m in others[:3]:
        _register(full, m, RegistrationStatus.REGISTERED)
    for m in others[3:5]:
        _register(full, m, RegistrationStatus.WAITING)
    now = timezone.now()
    for m in memberships[:8]:
        _register(past, m, RegistrationStatus.REGISTERED, attended=True, attendance_recorded_at=now)
    for m in memberships[::3][:6]:
        _register(sessions[0], m, RegistrationStatus.REGISTERED)
    carriers = 0
    for m in memberships:
        if m.professional.discipline in (Discipline.NURSE, Discipline.NURSE_SPECIALIST):
            KnowledgeCarrier.objects.get_or_create(
                organization=m.organization,
                professional=m.professional,
                kind=CarrierKind.KNOWLEDGE_CARRIER
                if carriers % 2 == 0
                else CarrierKind.LINK_PERSON,
                defaults={
                    "topic": "Palliatieve zorg",
                    "since": timezone.localdate() - dt.timedelta(days=400),
                },
            )
            carriers += 1
    return f"{len(courses)} courses, {len(sessions)} sessions, {carriers} knowledge carriers"
