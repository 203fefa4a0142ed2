"""Demo capacity for the fictional region: beds of the demo hospices with two weeks of history
(one hospice deliberately stale), district-nursing service areas, intake statements, a draft
regional checklist and assessments (one valid, one expired).

Reuses the organisations of ``organizations/demo.py``; every name is invented. The checklist is
a plausible draft for the demo, not the network's adopted requirements.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from palliare.accounts.models import User
from palliare.organizations.models import Municipality, Organization, PostcodeArea
from palliare.ui import demo

from .constants import AdmissionStatus, Channel, FacilityKind, IntakeStatus
from .models import (
    BedStatus,
    DistrictNursingService,
    Facility,
    IntakeStatusChange,
    QualityAssessment,
    QualityAssessmentItem,
    QualityRequirement,
)
from .quality import default_valid_until

# (organisation name, facility name or "", kind, beds, hours since last report)
FACILITIES = [
    ("Hospice De Zandloper", "", FacilityKind.HOSPICE, 6, 2),
    ("Hospice Het Veenhof", "", FacilityKind.HOSPICE, 8, 5),
    ("Hospice De Kolk", "", FacilityKind.HOSPICE, 5, 75),
    ("Palliatieve unit Het Baken", "", FacilityKind.PALLIATIVE_UNIT, 4, 9),
    ("Zorgcentrum De Wieden", "De Wieden, palliatieve kamers", FacilityKind.NURSING_HOME, 2, 20),
    ("Zorgcentrum De Wieden", "De Wieden, ELV palliatief", FacilityKind.SHORT_STAY, 3, 30),
]

REQUIREMENTS = [
    (
        "bereikbaar-24-7",
        "Dag en nacht een palliatief deskundige verpleegkundige bereikbaar",
        "Het team kan altijd een verpleegkundige met scholing in palliatieve zorg inschakelen.",
        "Rooster en bereikbaarheidsregeling",
    ),
    (
        "scholing",
        "Scholing palliatieve zorg in elk team",
        "Minstens één verpleegkundige per team heeft een erkende scholing palliatieve zorg.",
        "Scholingsregister",
    ),
    (
        "proactieve-zorgplanning",
        "Proactieve zorgplanning vastgelegd in het individueel zorgplan",
        "Het team voert gesprekken over wensen en grenzen en legt afspraken vast in het ECD.",
        "Werkinstructie en steekproef van dossiers",
    ),
    (
        "signaleren",
        "Symptomen signaleren met een gevalideerd instrument",
        "Bijvoorbeeld het Utrechts Symptoom Dagboek of de Lastmeter.",
        "Werkinstructie",
    ),
    (
        "afstemming-huisarts",
        "Vaste werkafspraken met huisarts en kernteam",
        "Deelname aan PaTz- of MDO-overleg en afspraken over bereikbaarheid.",
        "Werkafspraken of verslag van overleg",
    ),
    (
        "continuiteit",
        "Vooruitkijken: ruimte bij verslechtering",
        "Bij de start van de zorg houdt de organisatie rekening met verslechtering en houdt zij "
        "capaciteit en kwaliteit beschikbaar.",
        "Beschreven werkwijze",
    ),
]

# (organisation name, municipality codes, PC4s, intake, assessed days ago or None, all met)
SERVICES = [
    (
        "Wijkzorg Zandgrond",
        ["GM0106", "GM1680", "GM1730", "GM1731"],
        [],
        IntakeStatus.YES,
        200,
        True,
    ),
    (
        "Thuiszorg Veenlanden",
        ["GM0114", "GM0109", "GM1681"],
        ["7741"],
        IntakeStatus.LIMITED,
        800,
        True,
    ),
]


def _history(
    facility: Facility, beds: int, last_hours: int, rng: random.Random, user: User | None
) -> None:
    now = timezone.now()
    moment = now - dt.timedelta(days=14)
    free = rng.randint(0, beds)
    last: BedStatus | None = None
    end = now - dt.timedelta(hours=last_hours)
    while moment < end:
        free = max(0, min(beds, free + rng.choice([-1, -1, 0, 1, 1])))
        status = AdmissionStatus.OPEN if rng.random() > 0.05 else AdmissionStatus.ADMISSION_STOP
        last = BedStatus.objects.create(
            facility=facility,
            recorded_at=moment,
            beds=beds,
            free_beds=free,
            admission_status=status,
            waiting_list=rng.choice([0, 0, 0, 1, 2]),
            recorded_by=user,
            recorded_by_name=str(user) if user else "Coördinator (demo)",
            channel=Channel.DEMO,
        )
        moment += dt.timedelta(hours=rng.randint(7, 20))
    final = BedStatus.objects.create(
        facility=facility,
        recorded_at=end,
        beds=beds,
        free_beds=max(1, min(last.free_beds if last else 1, beds - 2)),
        admission_status=AdmissionStatus.OPEN,
        waiting_list=0,
        recorded_by=user,
        recorded_by_name=str(user) if user else "Coördinator (demo)",
        channel=Channel.DEMO,
    )
    facility.current_status = final
    facility.save(update_fields=["current_status"])


@demo.register("capacity", order=20)
def load(rng: random.Random) -> str:
    """Facilities with bed history, district-nursing services, requirements, assessments."""
    created_facilities = 0
    coordinator = User.objects.filter(username="hospice").first()
    for org_name, name, kind, beds, last_hours in FACILITIES:
        org = Organization.objects.filter(name=org_name).first()
        if org is None or Facility.objects.filter(organization=org, kind=kind).exists():
            continue
        location = org.locations.order_by("-is_main", "pk").first()
        if location is None:
            continue
        facility = Facility.objects.create(
            organization=org, location=location, name=name, kind=kind, is_demo=True
        )
        user = coordinator if org_name == "Hospice De Zandloper" else None
        _history(facility, beds, last_hours, rng, user)
        created_facilities += 1

    requirements = []
    for order, (code, title, description, evidence) in enumerate(REQUIREMENTS, start=1):
        requirement, _ = QualityRequirement.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "description": description,
                "evidence_hint": evidence,
                "order": order * 10,
            },
        )
        requirements.append(requirement)

    created_services = 0
    today = timezone.localdate()
    for org_name, gm_codes, pc4s, intake, assessed_days_ago, all_met in SERVICES:
        org = Organization.objects.filter(name=org_name).first()
        if org is None or DistrictNursingService.objects.filter(organization=org).exists():
            continue
        service = DistrictNursingService.objects.create(organization=org, is_demo=True)
        service.municipalities.set(Municipality.objects.filter(gm_code__in=gm_codes))
        service.postcode_areas.set(PostcodeArea.objects.filter(pk__in=pc4s))
        change = IntakeStatusChange.objects.create(
            service=service,
            status=intake,
            effective_date=today,
            recorded_at=timezone.now() - dt.timedelta(hours=3),
            recorded_by_name="Planner (demo)",
            channel=Channel.DEMO,
        )
        service.current_intake = change
        service.save(update_fields=["current_intake"])
        if assessed_days_ago is not None:
            assessed_on = today - dt.timedelta(days=assessed_days_ago)
            assessment = QualityAssessment.objects.create(
                service=service,
                assessed_on=assessed_on,
                valid_until=default_valid_until(assessed_on),
                assessor="Visitatieteam netwerk (demo)",
                recorded_by_name="Netwerkcoördinator (demo)",
            )
            for requirement in requirements:
                QualityAssessmentItem.objects.create(
                    assessment=assessment,
                    requirement=requirement,
                    requirement_title=requirement.title,
                    met=all_met,
                    evidence=f"{requirement.evidence_hint} ingezien (demo)",
                )
        created_services += 1
    return (
        f"{created_facilities} facilities with bed history, {created_services} district-nursing "
        f"services, {len(requirements)} quality requirements"
    )
