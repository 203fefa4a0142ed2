"""Demo capacity planning: two plausible scenarios ("Basis": CBS trend, today's hospice use;
"Vergrijzing hoog": the population growing older with a rising hospice share) and a register
of fictional palliative care specialists with expected departure years. The demo specialist
account (Paul Lubbers) is one of them; every other name is invented. The assumptions are
demo assumptions, labelled as such in their sources."""

from __future__ import annotations

import random

from palliare.accounts.actors import actor_for
from palliare.accounts.models import User
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Organization, Professional, Subregion
from palliare.ui import demo

from . import services
from .constants import GrowthMethod, Qualification
from .figures import default_region
from .models import Scenario, Specialist

BASIS = {
    "growth_method": GrowthMethod.TREND.value,
    "hospice_share_percent": "6.0",
    "length_of_stay_days": "21",
    "target_occupancy_percent": "80",
    "specialists_per_10000_deaths": "20",
}
HIGH = {
    "growth_method": GrowthMethod.AGE.value,
    "mortality_improvement_percent": "0.5",
    "hospice_share_percent": "8.0",
    "length_of_stay_days": "24",
    "target_occupancy_percent": "85",
    "specialists_per_10000_deaths": "25",
}
HIGH_SOURCES = {
    "growth_method": "Demo: stuurgroep wil de vergrijzing zichtbaar maken",
    "mortality_improvement_percent": "Demo-aanname: levensverwachting stijgt trager",
    "hospice_share_percent": "Demo-aanname: meer mensen kiezen voor een hospice",
    "length_of_stay_days": "Demo-aanname: eerdere opname door betere markering",
    "target_occupancy_percent": "Demo-aanname: Kwaliteitskader, krappere bezetting",
    "specialists_per_10000_deaths": "Demo-aanname: meer consultatie bij complexe zorg",
}

#: (name, qualification, subregion code or "" for region-wide, expected departure year)
SPECIALISTS = [
    ("Paul Lubbers", Qualification.NURSE_SPECIALIST, "noordmidden-drenthe", 2041),
    ("Marieke Hoving", Qualification.PHYSICIAN, "noordmidden-drenthe", 2029),
    ("Jan-Willem Kuipers", Qualification.PHYSICIAN, "noordmidden-drenthe", None),
    ("Sanne de Groot", Qualification.NURSE_EXPERT, "noordmidden-drenthe", 2035),
    ("Ellen Bakker", Qualification.PHYSICIAN, "zuidoost-drenthe", 2028),
    ("Rik Oldenburger", Qualification.MEDICAL_SPECIALIST, "zuidoost-drenthe", 2032),
    ("Tineke Wolters", Qualification.NURSE_SPECIALIST, "zuidoost-drenthe", 2030),
    ("Gerrit Smeenge", Qualification.PHYSICIAN, "hoogeveen", 2027),
    ("Lotte Nijhof", Qualification.NURSE_SPECIALIST, "hoogeveen", None),
    ("Bram Dekker", Qualification.PHYSICIAN, "meppel-steenwijkerland", 2033),
    ("Anja Mulder", Qualification.NURSE_EXPERT, "meppel-steenwijkerland", 2031),
    ("Harm Jansen", Qualification.MEDICAL_SPECIALIST, "", 2029),
]


@demo.register("planning", order=95)
def load(rng: random.Random) -> str:
    region = default_region()
    user = User.objects.filter(username="netwerk").first()
    if region is None or user is None:
        return "no region or network coordinator: load the directory demo first"
    actor = actor_for(user)
    if not services.can_edit(actor):
        return "the demo coordinator may not edit the planning"
    created = 0
    if not Scenario.objects.filter(region=region).exists():
        services.create_scenario(
            actor,
            region,
            name="Basis",
            description="Sterfte volgens de CBS-trend, hospicegebruik als nu (demo).",
            values=BASIS,
            is_demo=True,
        )
        services.create_scenario(
            actor,
            region,
            name="Vergrijzing hoog",
            description=(
                "Sterfte volgens de vergrijzende bevolking, meer hospicezorg en langere "
                "opnames (demo)."
            ),
            values=HIGH,
            sources=HIGH_SOURCES,
            is_demo=True,
        )
        created = 2
    added = 0
    if not Specialist.objects.filter(region=region).exists():
        subregions = {s.code: s for s in Subregion.objects.filter(region=region)}
        teams = list(
            Organization.objects.filter(type=OrganizationType.CONSULTATION_TEAM).order_by("pk")
        )
        by_subregion = {t.subregion_id: t for t in teams}
        lubbers = Professional.objects.filter(family_name="Lubbers").first()
        for name, qualification, code, year in SPECIALISTS:
            subregion = subregions.get(code)
            specialist = Specialist(
                region=region,
                subregion=subregion,
                name=name,
                professional=lubbers if name == "Paul Lubbers" else None,
                organization=by_subregion.get(subregion.pk if subregion else None)
                or (teams[0] if teams else None),
                qualification=qualification,
                expected_departure_year=year,
                is_demo=True,
            )
            services.save_specialist(actor, specialist)
            added += 1
    return f"{created} scenarios, {added} specialists"
