"""Test data for care plans: complete ACP content and plans with a current version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from palliare.accounts.factories import UserFactory
from palliare.patients.factories import PatientFactory

from . import content as plan_content
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
from .models import CarePlan, CarePlanVersion


def acp_content(**sections: Any) -> dict[str, Any]:
    """A filled-in plan: no resuscitation, no ICU, hospital only with conditions, at home."""
    content = plan_content.empty()
    decisions = {
        Treatment.RESUSCITATION: TreatmentDecision.NO,
        Treatment.VENTILATION: TreatmentDecision.NO,
        Treatment.ICU_ADMISSION: TreatmentDecision.NO,
        Treatment.HOSPITAL_ADMISSION: TreatmentDecision.CONDITIONAL,
        Treatment.ANTIBIOTICS: TreatmentDecision.YES,
        Treatment.BLOOD_PRODUCTS: TreatmentDecision.NOT_DISCUSSED,
    }
    for row in content["treatment_limits"]:
        row["decision"] = str(decisions[Treatment(row["treatment"])])
        if row["decision"] == TreatmentDecision.CONDITIONAL:
            row["specification"] = "Alleen bij een gebroken heup"
    content["capacity"] = {"value": AcpYesNoUnknown.YES.value, "note": ""}
    content["goal"] = {"code": MedicalPolicyGoal.SYMPTOM_RELIEF.value, "note": "Comfort voorop"}
    content["contacts"] = [
        {
            "name": "Jan Testpersoon",
            "role": ContactRole.FIRST_CONTACT.value,
            "role_other": "",
            "relationship": ContactRelationship.SON.value,
            "relationship_other": "",
            "phone": "06 12345678",
            "email": "",
            "is_first_contact": True,
        }
    ]
    content["conversations"] = [
        {
            "date": (timezone.localdate() - dt.timedelta(days=7)).isoformat(),
            "held_by": "Dokter Test",
            "function": PractitionerFunction.GP.value,
            "patient_present": True,
            "participants": "zoon Jan",
        }
    ]
    content["icd"] = {
        "present": AcpYesNoUnknown.NO.value,
        "device_type": "",
        "note": "",
        "deactivation": IcdDeactivation.NOT_DISCUSSED.value,
        "deactivation_note": "",
    }
    content["wishes"].update(
        care_wishes="Zo lang mogelijk thuis blijven.",
        place_of_death=PlaceOfDeath.HOME.value,
        euthanasia_position=EuthanasiaPosition.NO_EUTHANASIA.value,
        organ_donation_registered=AcpYesNoUnknown.UNKNOWN.value,
    )
    content["sharing"] = {
        "patient_informed": AcpYesNoUnknown.YES.value,
        "agreement": ShareAgreement.AGREED.value,
    }
    content["medication"] = {
        "present": AcpYesNoUnknown.YES.value,
        "location": "keukenkast, bovenste plank",
        "note": "",
    }
    content["review_date"] = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    for key, value in sections.items():
        content[key] = value
    return plan_content.normalise(content)


def ended_limit(**fields: Any) -> dict[str, Any]:
    """An ended treatment limit: ICU admission was agreed ("yes") and ended after recovery."""
    row: dict[str, Any] = {
        "treatment": Treatment.ICU_ADMISSION.value,
        "text": "",
        "decision": TreatmentDecision.YES.value,
        "specification": "",
        "note": "Na overleg met de longarts",
        "date": (timezone.localdate() - dt.timedelta(days=60)).isoformat(),
        "actors": [
            {"kind": "patient", "name": ""},
            {"kind": "professional", "name": "Dokter Test"},
        ],
        "ended_on": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
        "reason_for_ending": "Hersteld en ontslagen",
    }
    row.update(fields)
    return row


class CarePlanFactory(factory.django.DjangoModelFactory):
    """A plan with one current version (written directly, without notifications);
    ``version__content`` replaces the standard content."""

    class Meta:
        model = CarePlan
        skip_postgeneration_save = True

    patient = factory.SubFactory(PatientFactory, marked=True)

    class Params:
        due = factory.Trait(review_due_on=factory.LazyFunction(timezone.localdate))

    @factory.post_generation
    def version(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        content = kwargs.get("content") or acp_content()
        if self.review_due_on:
            content["review_date"] = self.review_due_on.isoformat()
        author = kwargs.get("author") or UserFactory()
        version = CarePlanVersion.objects.create(
            plan=self,
            number=1,
            content=content,
            review_date=plan_content.parse_date(content["review_date"]),
            resuscitation=TreatmentDecision.NO.value,
            preferred_place_of_death=PlaceOfDeath.HOME.value,
            author=author,
            author_name="Dokter Test",
        )
        CarePlan.objects.filter(pk=self.pk).update(
            current_number=1, current_version=version, review_due_on=version.review_date
        )
        self.refresh_from_db()
