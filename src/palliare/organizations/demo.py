"""The fictional demo region: Drenthe & Steenwijkerland with four subregional networks, invented
organisations, professionals and one demo account per role.

Every name here is invented. The municipality → subregion mapping is a plausible draft, labelled
as such in the interface.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from palliare.accounts import services as account_services
from palliare.accounts.models import Role, User
from palliare.accounts.permissions import RoleCode
from palliare.ui import demo

from .constants import Discipline, MappingStatus, OrganizationType
from .models import Location, Municipality, Organization, Professional, Region, Subregion

REGION_CODE = "drenthe-steenwijkerland"

#: Shared by every demo account, printed in README.md. Base32, 20 bytes.
DEMO_TOTP_SECRET = "PALLIAREDEMOPALLIAREDEMOPALLIARE"  # noqa: S105 (published demo)
DEMO_PASSWORD = "palliare-demo"  # noqa: S105 (published demo)

SUBREGIONS: dict[str, tuple[str, list[str]]] = {
    "meppel-steenwijkerland": ("Meppel & Steenwijkerland", ["GM0119", "GM1708", "GM1701"]),
    "zuidoost-drenthe": ("Zuidoost Drenthe (Emmen)", ["GM0114", "GM0109", "GM1681"]),
    "noordmidden-drenthe": (
        "Noordmidden Drenthe (Assen)",
        ["GM0106", "GM1680", "GM1730", "GM1699", "GM1731"],
    ),
    "hoogeveen": ("Hoogeveen", ["GM0118", "GM1690"]),
}


@dataclass(frozen=True)
class DemoOrg:
    key: str
    name: str
    type: OrganizationType
    subregion: str | None
    postcode: str
    city: str
    street: str
    is_public: bool = False
    description: str = ""


ORGANIZATIONS = [
    DemoOrg(
        "network",
        "Netwerk Palliatieve Zorg Drenthe & Steenwijkerland (demo)",
        OrganizationType.NETWORK_OFFICE,
        None,
        "9401 ZX",
        "Assen",
        "Netwerkplein 1",
        True,
        "Het netwerk brengt zorgverleners in de regio samen rond zorg in de laatste "
        "levensfase. Bel ons als u niet weet waar u terechtkunt.",
    ),
    DemoOrg(
        "gp-linde",
        "Huisartsenpraktijk De Lindehoeve",
        OrganizationType.GP_PRACTICE,
        "noordmidden-drenthe",
        "9402 KB",
        "Assen",
        "Lindehoevelaan 4",
    ),
    DemoOrg(
        "gp-esdoorn",
        "Huisartsenpraktijk Esdoornhof",
        OrganizationType.GP_PRACTICE,
        "zuidoost-drenthe",
        "7811 PT",
        "Emmen",
        "Esdoornhof 17",
    ),
    DemoOrg(
        "gp-meerzicht",
        "Huisartsenpraktijk Meerzicht",
        OrganizationType.GP_PRACTICE,
        "meppel-steenwijkerland",
        "8331 AV",
        "Steenwijk",
        "Meerzichtweg 3",
    ),
    DemoOrg(
        "gp-heideveld",
        "Huisartsenpraktijk Heideveld",
        OrganizationType.GP_PRACTICE,
        "hoogeveen",
        "7906 BK",
        "Hoogeveen",
        "Heideveldstraat 22",
    ),
    DemoOrg(
        "dn-drentsezorg",
        "Wijkzorg Zandgrond",
        OrganizationType.DISTRICT_NURSING,
        "noordmidden-drenthe",
        "9403 CE",
        "Assen",
        "Zandgrond 8",
    ),
    DemoOrg(
        "dn-veenzorg",
        "Thuiszorg Veenlanden",
        OrganizationType.DISTRICT_NURSING,
        "zuidoost-drenthe",
        "7812 BE",
        "Emmen",
        "Veenlandenweg 40",
    ),
    DemoOrg(
        "hospital-assen",
        "Ziekenhuis Drentsche Heide",
        OrganizationType.HOSPITAL,
        "noordmidden-drenthe",
        "9404 LA",
        "Assen",
        "Heideweg 100",
    ),
    DemoOrg(
        "hospital-emmen",
        "Ziekenhuis Hondsrug-Zuid",
        OrganizationType.HOSPITAL,
        "zuidoost-drenthe",
        "7824 AA",
        "Emmen",
        "Hondsrugpad 2",
    ),
    DemoOrg(
        "hospice-assen",
        "Hospice De Zandloper",
        OrganizationType.HOSPICE,
        "noordmidden-drenthe",
        "9405 BR",
        "Assen",
        "Zandloperlaan 6",
        True,
        "Een huis waar mensen hun laatste levensfase kunnen doorbrengen, met zorg en "
        "aandacht voor hen en hun naasten.",
    ),
    DemoOrg(
        "hospice-emmen",
        "Hospice Het Veenhof",
        OrganizationType.HOSPICE,
        "zuidoost-drenthe",
        "7823 PM",
        "Emmen",
        "Veenhofstraat 12",
        True,
        "Bijna-thuis-huis met vrijwilligers en verpleegkundigen, dag en nacht.",
    ),
    DemoOrg(
        "hospice-meppel",
        "Hospice De Kolk",
        OrganizationType.HOSPICE,
        "meppel-steenwijkerland",
        "7942 KE",
        "Meppel",
        "Kolkweg 9",
        True,
        "Een warme plek voor de laatste levensfase, dichtbij huis.",
    ),
    DemoOrg(
        "unit-hoogeveen",
        "Palliatieve unit Het Baken",
        OrganizationType.PALLIATIVE_UNIT,
        "hoogeveen",
        "7908 HA",
        "Hoogeveen",
        "Bakenlaan 30",
        True,
        "Palliatieve unit in een verpleeghuis, met specialist ouderengeneeskunde.",
    ),
    DemoOrg(
        "vvt-steenwijk",
        "Zorgcentrum De Wieden",
        OrganizationType.NURSING_HOME,
        "meppel-steenwijkerland",
        "8332 JB",
        "Steenwijk",
        "Wiedenweg 1",
    ),
    DemoOrg(
        "pharmacy-assen",
        "Apotheek Vaart-Zuid",
        OrganizationType.PHARMACY,
        "noordmidden-drenthe",
        "9401 HK",
        "Assen",
        "Vaartkade 5",
    ),
    DemoOrg(
        "hap",
        "Huisartsenpost Drenthe-Midden (demo)",
        OrganizationType.OUT_OF_HOURS_GP_POST,
        None,
        "9404 LA",
        "Assen",
        "Heideweg 100",
    ),
    DemoOrg(
        "ambulance",
        "Ambulancedienst Noord-Oost (demo)",
        OrganizationType.AMBULANCE_SERVICE,
        None,
        "9403 AC",
        "Assen",
        "Remiseweg 2",
    ),
    DemoOrg(
        "dispatch",
        "Meldkamer Noordoost (demo)",
        OrganizationType.DISPATCH_CENTRE,
        None,
        "9403 AC",
        "Assen",
        "Remiseweg 4",
    ),
    DemoOrg(
        "consult",
        "Consultatieteam Palliatieve Zorg Drenthe (demo)",
        OrganizationType.CONSULTATION_TEAM,
        None,
        "9404 LA",
        "Assen",
        "Heideweg 100",
    ),
    DemoOrg(
        "vptz",
        "VPTZ Drentse Dorpen",
        OrganizationType.VOLUNTEER_ORGANIZATION,
        "noordmidden-drenthe",
        "9461 AB",
        "Gieten",
        "Brinkstraat 3",
        True,
        "Getrainde vrijwilligers waken en zijn er voor u en uw naasten, thuis of in het "
        "hospice. Gratis.",
    ),
    DemoOrg(
        "gv-thuis",
        "Centrum Levensvragen Drenthe (demo)",
        OrganizationType.SPIRITUAL_CARE,
        None,
        "7901 AA",
        "Hoogeveen",
        "Kerkpad 1",
        True,
        "Een geestelijk verzorger komt bij u thuis voor een gesprek over zingeving, "
        "levensvragen en afscheid. Gratis voor mensen thuis.",
    ),
    DemoOrg(
        "social",
        "Welzijn De Brink",
        OrganizationType.SOCIAL_DOMAIN,
        "meppel-steenwijkerland",
        "7941 BC",
        "Meppel",
        "Brinkplein 2",
    ),
]

#: One demo account per role: (username, role, organisation key, discipline, given, family).
ACCOUNTS = [
    ("huisarts", RoleCode.GP, "gp-linde", Discipline.GENERAL_PRACTITIONER, "Hanna", "Akkerman"),
    ("poh", RoleCode.PRACTICE_NURSE, "gp-linde", Discipline.PRACTICE_NURSE, "Petra", "Brink"),
    (
        "kernteam",
        RoleCode.CORE_TEAM_COORDINATOR,
        "gp-linde",
        Discipline.COORDINATOR,
        "Karin",
        "Dijkhuis",
    ),
    ("wijkverpleging", RoleCode.DISTRICT_NURSE, "dn-drentsezorg", Discipline.NURSE, "Wim", "Esker"),
    (
        "ziekenhuis",
        RoleCode.HOSPITAL_NURSE,
        "hospital-assen",
        Discipline.NURSE,
        "Zeynep",
        "Fokkens",
    ),
    (
        "specialist",
        RoleCode.MEDICAL_SPECIALIST,
        "hospital-assen",
        Discipline.MEDICAL_SPECIALIST,
        "Mark",
        "Geertsema",
    ),
    ("apotheker", RoleCode.PHARMACIST, "pharmacy-assen", Discipline.PHARMACIST, "Anouk", "Hadders"),
    (
        "geestelijkverzorger",
        RoleCode.SPIRITUAL_COUNSELLOR,
        "gv-thuis",
        Discipline.SPIRITUAL_COUNSELLOR,
        "Gerrit",
        "Idema",
    ),
    (
        "sociaaldomein",
        RoleCode.SOCIAL_WORKER,
        "social",
        Discipline.SOCIAL_WORKER,
        "Sanne",
        "Jansema",
    ),
    (
        "vptz",
        RoleCode.VOLUNTEER_COORDINATOR,
        "vptz",
        Discipline.VOLUNTEER_COORDINATOR,
        "Vera",
        "Kloosterhuis",
    ),
    (
        "specialistpz",
        RoleCode.PALLIATIVE_SPECIALIST,
        "consult",
        Discipline.NURSE_SPECIALIST,
        "Paul",
        "Lubbers",
    ),
    ("hap", RoleCode.OUT_OF_HOURS_GP, "hap", Discipline.GENERAL_PRACTITIONER, "Hidde", "Mulder"),
    (
        "seh",
        RoleCode.EMERGENCY_PHYSICIAN,
        "hospital-assen",
        Discipline.PHYSICIAN,
        "Sara",
        "Nijboer",
    ),
    ("ambulance", RoleCode.AMBULANCE, "ambulance", Discipline.AMBULANCE_NURSE, "Anton", "Oosting"),
    ("meldkamer", RoleCode.DISPATCH, "dispatch", Discipline.DISPATCHER, "Mila", "Prins"),
    (
        "hospice",
        RoleCode.FACILITY_COORDINATOR,
        "hospice-assen",
        Discipline.COORDINATOR,
        "Hilde",
        "Roelfsema",
    ),
    ("netwerk", RoleCode.NETWORK_COORDINATOR, "network", Discipline.COORDINATOR, "Nina", "Smit"),
    (
        "programma",
        RoleCode.PROGRAMME_TEAM,
        "network",
        Discipline.ADMINISTRATOR,
        "Pieter",
        "Tuinstra",
    ),
    (
        "controller",
        RoleCode.BUSINESS_CONTROLLER,
        "dn-drentsezorg",
        Discipline.ADMINISTRATOR,
        "Carla",
        "Uiterwijk",
    ),
    (
        "stuurgroep",
        RoleCode.STEERING_GROUP,
        "network",
        Discipline.ADMINISTRATOR,
        "Stefan",
        "Veenstra",
    ),
    ("privacy", RoleCode.PRIVACY_OFFICER, "network", Discipline.ADMINISTRATOR, "Iris", "Wubbels"),
]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def _phone(rng: random.Random) -> str:
    return f"0592 {rng.randint(100, 999)} {rng.randint(100, 999)}"


def demo_totp_key_hex() -> str:
    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def ensure_region() -> Region:
    region, _ = Region.objects.get_or_create(
        code=REGION_CODE,
        defaults={
            "name": "Drenthe & Steenwijkerland",
            "mapping_status": MappingStatus.DRAFT,
            "mapping_note": "Demo: indeling gemeenten naar subregio is een concept.",
        },
    )
    for code, (name, gm_codes) in SUBREGIONS.items():
        subregion, _ = Subregion.objects.get_or_create(
            code=code, defaults={"name": name, "region": region}
        )
        Municipality.objects.filter(gm_code__in=gm_codes, subregion__isnull=True).update(
            subregion=subregion
        )
    return region


@demo.register("directory", order=10)
def load(rng: random.Random) -> str:
    """Region, subregions, organisations, professionals and demo accounts."""
    ensure_region()
    subregions = {s.code: s for s in Subregion.objects.all()}
    orgs: dict[str, Organization] = {}
    for spec in ORGANIZATIONS:
        org = Organization.objects.filter(name=spec.name).first()
        if org is None:
            org = Organization(
                name=spec.name,
                type=spec.type,
                subregion=subregions.get(spec.subregion) if spec.subregion else None,
                agb_code=_digits(rng, 8),
                phone=_phone(rng),
                email=f"info@{spec.key}.demo.invalid",
                is_public=spec.is_public,
                public_description=spec.description,
                is_demo=True,
            )
            org.save()
            street, number = spec.street.rsplit(" ", 1)
            Location.objects.create(
                organization=org,
                street=street,
                house_number=number,
                postcode=spec.postcode,
                city=spec.city,
            )
        orgs[spec.key] = org

    roles = {r.code: r for r in Role.objects.all()}
    key_hex = demo_totp_key_hex()
    created = 0
    for username, role_code, org_key, discipline, given, family in ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=given,
            last_name=family,
            email=f"{username}@demo.invalid",
        )
        TOTPDevice.objects.create(user=user, name="demo", key=key_hex, confirmed=True)
        professional = Professional.objects.create(
            user=user,
            given_name=given,
            family_name=family,
            discipline=discipline,
            big_number=_digits(rng, 11)
            if discipline
            in {
                Discipline.GENERAL_PRACTITIONER,
                Discipline.NURSE,
                Discipline.NURSE_SPECIALIST,
                Discipline.MEDICAL_SPECIALIST,
                Discipline.PHYSICIAN,
                Discipline.PHARMACIST,
                Discipline.AMBULANCE_NURSE,
                Discipline.PRACTICE_NURSE,
            }
            else "",
            phone=_phone(rng),
            email=user.email,
            is_demo=True,
        )
        account_services.grant_membership(professional, orgs[org_key], roles[role_code], actor=None)
        created += 1
    return (
        f"{len(orgs)} organisations, {created} demo accounts "
        f"(password {DEMO_PASSWORD!r}, TOTP secret {DEMO_TOTP_SECRET}) at {settings.SITE_URL}"
    )
