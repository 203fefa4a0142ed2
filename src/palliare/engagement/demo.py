"""Demo events, newsletter and public pages for the fictional region: 'Dood uit de Pot'
evenings across the region's municipalities (held and planned, some municipalities without
one yet), a symposium and a theatre evening, newsletter lists with subscribers and one sent
edition, and the network's public pages in B1 Dutch with English. Names and addresses are
invented (example.invalid)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from palliare.organizations.models import Municipality, PostcodeArea, Subregion
from palliare.ui import demo

from .constants import AttendeeStatus, Audience, EditionStatus, EventKind, PageSlug
from .models import Attendee, Edition, Event, NewsletterList, PublicPage, Subscriber
from .services import newsletter

VENUES = ["Dorpshuis", "Bibliotheek", "Buurthuis", "Kerkzaal", "Theater"]

PAGES = {
    PageSlug.ABOUT: (
        "Over het netwerk",
        "Wij zijn het Netwerk Palliatieve Zorg. Huisartsen, wijkverpleging, hospices, "
        "ziekenhuizen en vrijwilligers werken bij ons samen.\n\n"
        "Ons doel is simpel. Iedereen in de regio krijgt goede zorg in de laatste fase van het "
        "leven. Dichtbij huis, als dat kan.",
        "About the network",
        "We are the palliative care network. GPs, district nurses, hospices, hospitals and "
        "volunteers work together here.",
    ),
    PageSlug.PALLIATIVE_CARE: (
        "Wat is palliatieve zorg?",
        "Palliatieve zorg is zorg als u niet meer beter wordt. Het gaat om uw kwaliteit van "
        "leven. Om minder pijn en minder zorgen.\n\n"
        "De zorg is er voor u en voor uw naasten. Ook na het overlijden.",
        "What is palliative care?",
        "Palliative care is care when you will not get better. It is about your quality of life.",
    ),
    PageSlug.TALKING: (
        "Praten over het levenseinde",
        "Praten over de dood is niet makkelijk. Toch helpt het. U weet dan wat u wilt. En uw "
        "naasten weten het ook.\n\nKom naar een avond van Dood uit de Pot. Daar praat u er "
        "samen over, met een kop koffie.",
        "Talking about the end of life",
        "Talking about death is not easy. Still, it helps. Come to a 'Dood uit de Pot' evening.",
    ),
    PageSlug.ORGANISATIONS: (
        "Deelnemende organisaties",
        "Meer dan veertig organisaties doen mee. Zoek zorg bij u in de buurt met de zorgzoeker.",
        "Participating organisations",
        "More than forty organisations take part. Find care near you with the care finder.",
    ),
}


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@demo.register("engagement", order=80)
def load(rng: random.Random) -> str:
    """Campaign evenings across the municipalities, lists, subscribers, a sent edition, pages."""
    # Lists are made on every first load (events only where municipalities have a subregion).
    if Event.objects.exists() or NewsletterList.objects.exists():
        return "already loaded"
    municipalities = list(Municipality.objects.filter(subregion__isnull=False).order_by("name"))
    areas = {
        a.municipality_id: a
        for a in PostcodeArea.objects.filter(municipality__in=municipalities).order_by("pk")
    }
    events = 0
    for index, municipality in enumerate(municipalities):
        held = index % 5  # 0..4: some municipalities without an evening, some at the goal
        for n in range(held):
            planned = n == held - 1 and index % 2 == 0
            days = rng.randint(5, 80) if planned else -rng.randint(20, 600)
            event = Event.objects.create(
                title=f"Dood uit de Pot {municipality.name}",
                kind=EventKind.DOOD_UIT_DE_POT,
                description="Een avond over leven en doodgaan. Met een verhaal, vragen en "
                "een kop koffie. Iedereen is welkom.",
                starts_at=_at(days, 19),
                ends_at=_at(days, 21),
                venue=f"{rng.choice(VENUES)} {municipality.name}",
                municipality=municipality,
                postcode_area=areas.get(municipality.pk),
                places=rng.choice([30, 40, 60]),
                attendance_count=None if planned else rng.randint(12, 45),
            )
            events += 1
            if planned:
                for k in range(rng.randint(3, 12)):
                    Attendee.objects.create(
                        event=event,
                        name=f"Deelnemer {k + 1}",
                        email=f"deelnemer{event.pk}-{k}@example.invalid",
                        status=AttendeeStatus.CONFIRMED,
                        confirmed_at=timezone.now(),
                    )
    if municipalities:
        host = municipalities[0]
        full = Event.objects.create(
            title="Theatervoorstelling 'Het laatste woord'",
            kind=EventKind.THEATRE,
            description="Een voorstelling over afscheid nemen, met nagesprek.",
            starts_at=_at(12, 20),
            ends_at=_at(12, 22),
            venue=f"Theater {host.name}",
            municipality=host,
            postcode_area=areas.get(host.pk),
            places=2,
        )
        for k, status in enumerate(
            [AttendeeStatus.CONFIRMED, AttendeeStatus.CONFIRMED, AttendeeStatus.WAITING]
        ):
            Attendee.objects.create(
                event=full,
                name=f"Bezoeker {k + 1}",
                email=f"bezoeker{k}@example.invalid",
                status=status,
                confirmed_at=timezone.now(),
            )
        Event.objects.create(
            title="Symposium palliatieve zorg in de regio",
            kind=EventKind.SYMPOSIUM,
            starts_at=_at(45, 13),
            ends_at=_at(45, 17),
            venue=f"Congrescentrum {host.name}",
            municipality=host,
            postcode_area=areas.get(host.pk),
            places=250,
        )
        events += 2

    professionals = NewsletterList.objects.create(
        name="Nieuwsbrief voor zorgverleners", audience=Audience.PROFESSIONALS
    )
    inhabitants = NewsletterList.objects.create(
        name="Nieuwsbrief voor inwoners", audience=Audience.INHABITANTS
    )
    for subregion in Subregion.objects.order_by("code"):
        NewsletterList.objects.create(
            name=f"Inwoners {subregion.name}", audience=Audience.INHABITANTS, subregion=subregion
        )
    for k in range(40):
        subscriber = Subscriber.objects.create(
            email=f"lezer{k}@example.invalid", confirmed_at=timezone.now()
        )
        subscriber.lists.set([professionals if k % 3 == 0 else inhabitants])
    edition = Edition.objects.create(
        subject="Nieuwsbrief november",
        blocks=[
            {
                "kind": "text",
                "title": "Dood uit de Pot komt naar u toe",
                "body": "Dit najaar zijn er weer avonden in de regio. Praat mee over leven "
                "en doodgaan. Aanmelden is gratis.",
            },
            {"kind": "events"},
            {"kind": "trainings"},
        ],
        status=EditionStatus.SENT,
    )
    edition.lists.set([professionals, inhabitants])
    content, _html, _text = newsletter.render_edition(edition)
    total = newsletter.recipients(edition).count()
    Edition.objects.filter(pk=edition.pk).update(
        html=content, total=total, sent_count=total, sent_at=timezone.now() - dt.timedelta(days=20)
    )
    for slug, (title_nl, body_nl, title_en, body_en) in PAGES.items():
        PublicPage.objects.get_or_create(
            slug=slug,
            defaults={
                "title_nl": title_nl,
                "body_nl": body_nl,
                "title_en": title_en,
                "body_en": body_en,
            },
        )
    return f"{events} events, 40 subscribers, 1 sent edition, {len(PAGES)} pages"
