"""Demo patients for the fictional demo region: a handful of hand-made patients of the demo GP
practice (so each demo account has something to do) and a modest synthetic population."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from palliare.accounts.actors import actor_for
from palliare.accounts.models import User
from palliare.ui import demo

from . import services
from .constants import (
    CareTeamRole,
    ConsentGivenBy,
    ConsentScope,
    ContactClass,
    ContactStatus,
    Dimension,
    PlaceOfDeath,
    SignalSuggestion,
    Urgency,
    VolunteerStatus,
)
from .models import Patient
from .services.contacts import ContactData, record_care_contact
from .services.problems import ProblemData, record_problem
from .suggestions import engine
from .synthetic import SyntheticDataError, generate
from .validators import make_bsn

DEMO_BSN_BASE = 90_000_000
ICPC = "http://hl7.org/fhir/sid/icpc-1-nl"


def demo_bsn(n: int) -> str:
    """The BSN of hand-made demo patient ``n`` (other apps' demo loaders find them by it)."""
    return make_bsn(DEMO_BSN_BASE + n * 7)


@demo.register("register", order=20)
def load(rng: random.Random) -> str:
    if Patient.objects.filter(bsn=demo_bsn(1)).exists():
        return "demo patients already present"
    gp = actor_for(User.objects.get(username="huisarts"))
    nurse_user = User.objects.get(username="wijkverpleging")
    nurse = actor_for(nurse_user)
    practice = gp.organization
    nursing = nurse.organization
    assert practice is not None and nursing is not None
    today = timezone.localdate()

    def register(
        n: int,
        given: str,
        family: str,
        born: dt.date,
        sex: str,
        postcode: str,
        consents: list[ConsentScope],
    ) -> Patient:
        patient = services.register_patient(
            gp,
            data={
                "bsn": demo_bsn(n),
                "given_name": given,
                "family_name_prefix": "",
                "family_name": family,
                "date_of_birth": born,
                "sex": sex,
                "street": "Brinkweg",
                "house_number": str(n * 3),
                "postcode": postcode,
                "city": "Assen",
                "phone": f"0592 40{n} 1{n}{n}",
                "gp_practice": practice,
            },
        )
        for scope in consents:
            services.record_consent(
                gp,
                patient,
                scope=scope,
                given_on=today - dt.timedelta(20),
                given_by=ConsentGivenBy.PATIENT,
            )
        return patient

    nurse_professional = nurse_user.professional

    # 1. Not yet marked; the district nurse is in the care team and may send a signal.
    hummel = register(
        1, "Geertje", "Hummel", dt.date(1941, 6, 2), "F", "9402 AB", [ConsentScope.CARE_TEAM]
    )
    services.add_care_team_member(
        gp,
        hummel,
        organization=nursing,
        professional=nurse_professional,
        role=CareTeamRole.DISTRICT_NURSE,
    )

    # 2. Marked, cancer, central contact the district nurse, plan shared with acute care.
    oosting = register(
        2,
        "Harm",
        "Oosting",
        dt.date(1947, 11, 20),
        "M",
        "9401 CD",
        [ConsentScope.CARE_TEAM, ConsentScope.ACUTE_CARE],
    )
    services.add_care_team_member(
        gp,
        oosting,
        organization=nursing,
        professional=nurse_professional,
        role=CareTeamRole.DISTRICT_NURSE,
        central_contact=True,
    )
    services.mark_patient(
        gp,
        oosting,
        data={
            "marked_on": today - dt.timedelta(40),
            "diagnosis_group": "cancer",
            "diagnosis": "Pancreascarcinoom",
            "note": "",
            "surprise_question": "no",
            "double_surprise_question": "yes",
            "spict_general": ["weight_loss", "poor_performance"],
            "spict_disease": ["cancer"],
        },
    )
    services.set_urgency(gp, oosting, urgency=Urgency.ORANGE, note="Gewichtsverlies")
    partner = services.add_caregiver(
        gp,
        oosting,
        name="Wilma Oosting",
        relation="partner",
        phone="0592 401 222",
        lives_with_patient=True,
    )
    for weeks, score in ((8, 4), (4, 6), (0, 7)):
        services.record_burden_check(
            gp, partner, checked_on=today - dt.timedelta(weeks=weeks), score=score
        )
    services.record_volunteer_step(
        gp, oosting, status=VolunteerStatus.DISCUSSED, note="Partner wil er nog over nadenken"
    )
    services.send_signal(
        nurse,
        oosting,
        dimension=Dimension.SOCIAL,
        observation="Partner is uitgeput en slaapt slecht.",
        suggestion=SignalSuggestion.CAREGIVER_OVERLOADED,
    )

    # 3. Marked, frailty, red, no central contact yet (on the GP's worklist).
    renting = register(
        3,
        "Aaltje",
        "Renting",
        dt.date(1932, 2, 14),
        "F",
        "9403 EF",
        [ConsentScope.CARE_TEAM, ConsentScope.ACUTE_CARE],
    )
    services.mark_patient(
        gp,
        renting,
        data={
            "marked_on": today - dt.timedelta(10),
            "diagnosis_group": "frailty_dementia",
            "diagnosis": "",
            "note": "",
            "surprise_question": "no",
            "double_surprise_question": "no",
            "spict_general": ["dependent"],
            "spict_disease": ["dementia_frailty"],
        },
    )
    services.set_urgency(gp, renting, urgency=Urgency.RED)

    # 4. A signal that suggests considering marking.
    services.add_care_team_member(
        gp,
        register(
            4, "Lammert", "Kuipers", dt.date(1944, 8, 30), "M", "9404 GH", [ConsentScope.CARE_TEAM]
        ),
        organization=nursing,
        role=CareTeamRole.DISTRICT_NURSE,
    )
    kuipers = Patient.objects.get(bsn=demo_bsn(4))
    services.send_signal(
        nurse,
        kuipers,
        dimension=Dimension.PHYSICAL,
        observation="Sneller benauwd, eet slecht, ligt veel op bed.",
        suggestion=SignalSuggestion.CONSIDER_MARKING,
    )

    # 5. Died recently, at home as wished: for the after-death analysis.
    drenth = register(
        5, "Jantje", "Drenth", dt.date(1938, 4, 9), "F", "9405 JK", [ConsentScope.CARE_TEAM]
    )
    services.mark_patient(
        gp,
        drenth,
        data={
            "marked_on": today - dt.timedelta(120),
            "diagnosis_group": "organ_failure",
            "diagnosis": "Hartfalen",
            "note": "",
            "surprise_question": "no",
            "double_surprise_question": "yes",
            "spict_general": [],
            "spict_disease": ["heart_vascular"],
        },
    )
    services.register_death(
        gp,
        drenth,
        data={
            "date_of_death": today - dt.timedelta(6),
            "place_of_death": PlaceOfDeath.HOME,
            "place_of_death_other": "",
            "expected": "yes",
            "preferred_place_known": "yes",
            "preferred_place": PlaceOfDeath.HOME,
            "preferred_place_achieved": "yes",
            "palliative_sedation": "no",
            "hospital_admissions_30d": 0,
            "emergency_visits_30d": 0,
            "had_care_plan": "yes",
            "note": "",
        },
    )

    # 6. Not marked, but the data suggests considering it (decision 0041): 86 years old with
    # COPD, two hospital admissions and an emergency visit in the last months.
    bakker = register(6, "Roelof", "Bakker", dt.date(today.year - 86, 3, 3), "M", "9402 LM", [])
    record_problem(
        gp,
        patient=bakker,
        data=ProblemData(
            codes=[
                {"system": ICPC, "code": "R95", "display": "Chronische obstructieve longziekte"}
            ],
            text="COPD GOLD 4",
            clinical_status="active",
        ),
    )
    for days_ago, contact_class in (
        (95, ContactClass.INPATIENT),
        (50, ContactClass.EMERGENCY),
        (48, ContactClass.ACUTE_INPATIENT),
    ):
        record_care_contact(
            gp,
            patient=bakker,
            data=ContactData(
                contact_class=contact_class,
                status=ContactStatus.FINISHED,
                start_date=today - dt.timedelta(days_ago),
                end_date=today - dt.timedelta(days_ago - 3),
            ),
        )
    # Kuipers (4) now worries two professionals: the practice nurse signals too.
    services.send_signal(
        actor_for(User.objects.get(username="poh")),
        kuipers,
        dimension=Dimension.SOCIAL,
        observation="Partner belt vaker; hij komt de deur niet meer uit.",
        suggestion=SignalSuggestion.OTHER,
    )

    try:
        synthetic = generate(300, seed=1).counts.get("patients", 0)
    except SyntheticDataError:
        synthetic = 0  # seed 1 was generated before
    return f"6 demo patients at {practice.name}, {synthetic} synthetic patients"


@demo.register("marking_suggestions", order=98)
def load_suggestions(rng: random.Random) -> str:
    """Compute the marking suggestions once all demo data is in, so a new user sees them."""
    return f"marking suggestions: {engine.recompute()}"
