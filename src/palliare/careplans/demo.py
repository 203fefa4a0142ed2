"""Demo care plans (fictional). The register has no demo loader of its own yet, so this loader
registers two fictional patients at the demo GP practice through the register's services, with
consent, marking and a care team, and gives them care plans: Gerda Lamberts shares her plan with
acute care (the out-of-hours GP post sees it), Hendrik Vos does not (emergency access demo)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from palliare.accounts.actors import actor_for
from palliare.accounts.models import User
from palliare.organizations.models import Organization, PostcodeArea, Professional
from palliare.patients import services as patient_services
from palliare.patients.constants import CareTeamRole, ConsentScope, DiagnosisGroup
from palliare.patients.models import Patient
from palliare.patients.validators import make_bsn
from palliare.ui import demo

from . import services
from .constants import (
    AcpYesNoUnknown,
    ContactRelationship,
    ContactRole,
    EuthanasiaPosition,
    IcdDeactivation,
    MedicalPolicyGoal,
    PlaceOfDeath,
    PractitionerFunction,
    ShareAgreement,
    Treatment,
    TreatmentDecision,
)
from .content import Content, empty, normalise

PATIENTS: list[dict[str, Any]] = [
    {
        "bsn": make_bsn(81_230_004),
        "given_name": "Gerda",
        "family_name": "Lamberts",
        "date_of_birth": dt.date(1941, 6, 12),
        "sex": "F",
        "street": "Lindehoevelaan",
        "house_number": "12",
        "postcode": "9402 KB",
        "city": "Assen",
        "phone": "0592 700 112",
        "consents": [ConsentScope.CARE_TEAM, ConsentScope.ACUTE_CARE],
        "ended_limit": True,
        "decisions": ["2", "2", "2", "1", "0", "UNK"],
        "place": PlaceOfDeath.HOME,
        "contact": ("Marian Lamberts", ContactRelationship.DAUGHTER, "06 1111 2233"),
    },
    {
        "bsn": make_bsn(81_230_017),
        "given_name": "Hendrik",
        "family_name": "Vos",
        "date_of_birth": dt.date(1936, 11, 3),
        "sex": "M",
        "street": "Heideweg",
        "house_number": "7",
        "postcode": "9403 CE",
        "city": "Assen",
        "phone": "",
        "consents": [ConsentScope.CARE_TEAM],
        "decisions": ["2", "UNK", "2", "0", "0", "0"],
        "place": PlaceOfDeath.HOSPICE,
        "contact": ("Trees Vos", ContactRelationship.WIFE, "06 4444 5566"),
    },
]


def _content(spec: dict[str, Any]) -> Content:
    content = empty()
    decisions = spec["decisions"]
    assert isinstance(decisions, list)
    for row, decision in zip(content["treatment_limits"], decisions, strict=True):
        row["decision"] = decision
        if decision == TreatmentDecision.CONDITIONAL:
            row["specification"] = (
                "Alleen voor een behandeling die thuis niet kan (bijv. heupfractuur)"
            )
    contact: tuple[str, ContactRelationship, str] = spec["contact"]
    name, relation, phone = contact
    content["contacts"] = [
        {
            "name": name,
            "role": ContactRole.FIRST_CONTACT.value,
            "relationship": relation.value,
            "phone": phone,
            "is_first_contact": True,
        }
    ]
    content["capacity"] = {"value": AcpYesNoUnknown.YES.value, "note": ""}
    content["conversations"] = [
        {
            "date": (timezone.localdate() - dt.timedelta(days=21)).isoformat(),
            "held_by": "Hanna Akkerman",
            "function": PractitionerFunction.GP.value,
            "patient_present": True,
            "participants": f"{name}",
        }
    ]
    content["goal"] = {"code": MedicalPolicyGoal.SYMPTOM_RELIEF.value, "note": "Comfort voorop."}
    content["icd"].update(
        present=AcpYesNoUnknown.NO.value, deactivation=IcdDeactivation.NOT_DISCUSSED.value
    )
    content["wishes"].update(
        care_wishes="Zo lang mogelijk thuis, met de kat erbij. Geen sondevoeding.",
        place_of_death=spec["place"],
        euthanasia_position=EuthanasiaPosition.NO_EUTHANASIA.value,
        organ_donation_registered=AcpYesNoUnknown.NO.value,
        what_matters="Muziek van vroeger en bezoek van de kleinkinderen.",
    )
    content["sharing"] = {
        "patient_informed": AcpYesNoUnknown.YES.value,
        "agreement": ShareAgreement.AGREED.value,
    }
    content["medication"] = {
        "present": AcpYesNoUnknown.YES.value,
        "location": "keukenkast naast de koelkast",
        "note": "",
    }
    content["goals"] = [
        {
            "dimension": "physical",
            "goal": "Pijn onder controle (score onder 4)",
            "action": "Pijnscore dagelijks noteren",
            "status": "in_progress",
        },
        {
            "dimension": "social",
            "goal": "Mantelzorger ontlasten",
            "action": "VPTZ-vrijwilliger twee nachten per week",
            "status": "planned",
        },
    ]
    if spec.get("ended_limit"):
        # An earlier agreement that no longer applies: history, never the current decision.
        content["ended_limits"] = [
            {
                "treatment": Treatment.ICU_ADMISSION.value,
                "decision": TreatmentDecision.YES.value,
                "note": "Afgesproken voor de operatie.",
                "date": (timezone.localdate() - dt.timedelta(days=400)).isoformat(),
                "actors": [{"kind": "patient", "name": "Gerda Lamberts"}],
                "ended_on": (timezone.localdate() - dt.timedelta(days=21)).isoformat(),
                "reason_for_ending": "Vervangen door de afspraken van het ACP-gesprek.",
            }
        ]
    content["review_date"] = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    return normalise(content)


@demo.register("careplans", order=40)
def load(rng: random.Random) -> str:
    gp_user = User.objects.filter(username="huisarts").first()
    practice = Organization.objects.filter(name="Huisartsenpraktijk De Lindehoeve").first()
    if gp_user is None or practice is None:
        return "skipped: the demo region is not loaded"
    actor = actor_for(gp_user)
    nursing = Organization.objects.filter(name="Wijkzorg Zandgrond").first()
    nurse = Professional.objects.filter(user__username="wijkverpleging").first()
    made = 0
    for spec in PATIENTS:
        if Patient.objects.filter(bsn=spec["bsn"]).exists():
            continue
        data = {
            k: spec[k]
            for k in (
                "bsn",
                "given_name",
                "family_name",
                "date_of_birth",
                "sex",
                "street",
                "house_number",
                "city",
                "phone",
            )
        }
        data["family_name_prefix"] = ""
        data["postcode"] = (
            spec["postcode"]
            if PostcodeArea.objects.filter(pc4=str(spec["postcode"])[:4]).exists()
            else ""
        )
        data["gp_practice"] = practice
        patient = patient_services.register_patient(
            actor,
            data=data,
            consents=list(spec["consents"]),
        )
        patient_services.mark_patient(
            actor,
            patient,
            data={
                "marked_on": timezone.localdate() - dt.timedelta(days=60),
                "diagnosis_group": DiagnosisGroup.CANCER,
                "diagnosis": "",
                "note": "",
            },
        )
        patient = Patient.objects.get(pk=patient.pk)
        if nursing is not None:
            patient_services.add_care_team_member(
                actor,
                patient,
                organization=nursing,
                role=CareTeamRole.DISTRICT_NURSE,
                professional=nurse,
                central_contact=True,
            )
        services.save_plan(
            actor,
            patient,
            content=_content(spec),
            based_on=0,
            note="Eerste gesprek proactieve zorgplanning",
        )
        made += 1
    return f"{made} demo patients with a care plan"
