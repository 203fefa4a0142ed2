"""Code lists of the individual care plan (ACP).

The stored values are the codes of the IKNL ACP information standard (SNOMED CT, HL7 v3
NullFlavor, zib code lists), so that a FHIR export maps values instead of translating them. The
labels are our own wording (the IKNL form's texts are not copied).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from palliare.patients.constants import PlaceOfDeath

__all__ = [
    "ACP_PROCEDURE_CODE",
    "CODED_TREATMENTS",
    "ICD_DEACTIVATION_CODE",
    "AcpYesNoUnknown",
    "ContactRelationship",
    "ContactRole",
    "EuthanasiaPosition",
    "GoalStatus",
    "IcdDeactivation",
    "IcdDeviceType",
    "MedicalPolicyGoal",
    "PlaceOfDeath",
    "PractitionerFunction",
    "ShareAgreement",
    "Treatment",
    "TreatmentDecision",
]

#: SNOMED CT 713603004 "advance care planning": the ACP conversation (Procedure.code).
ACP_PROCEDURE_CODE = "713603004"
#: NL SNOMED CT 400231000146108: switching off the ICD in the last phase of life.
ICD_DEACTIVATION_CODE = "400231000146108"


class AcpYesNoUnknown(models.TextChoices):
    """ACP-YesNoUnknownVS: SNOMED CT yes / no, NullFlavor UNK."""

    YES = "373066001", _("yes")
    NO = "373067005", _("no")
    UNKNOWN = "UNK", _("not known yet")


class Treatment(models.TextChoices):
    """Treatments a limit can be agreed on (zib BehandelingCodelijst, SNOMED CT; OTH + text)."""

    RESUSCITATION = "89666000", _("resuscitation (CPR)")
    VENTILATION = "40617009", _("invasive ventilation")
    ICU_ADMISSION = "305351004", _("admission to intensive care")
    HOSPITAL_ADMISSION = "32485007", _("admission to hospital")
    ANTIBIOTICS = "281789004", _("antibiotics")
    BLOOD_PRODUCTS = "116762002", _("blood transfusion (blood products)")
    OTHER = "OTH", _("other treatment")


#: The treatments every plan answers, in the order of the standard (the acute view shows them so).
CODED_TREATMENTS = [
    Treatment.RESUSCITATION,
    Treatment.VENTILATION,
    Treatment.ICU_ADMISSION,
    Treatment.HOSPITAL_ADMISSION,
    Treatment.ANTIBIOTICS,
    Treatment.BLOOD_PRODUCTS,
]


class TreatmentDecision(models.TextChoices):
    """zib BehandelBesluit (0 wel uitvoeren, 1 anders, 2 niet uitvoeren) and NullFlavor UNK."""

    YES = "0", _("yes, do it")
    CONDITIONAL = "1", _("yes, with conditions")
    NO = "2", _("no, do not do it")
    NOT_DISCUSSED = "UNK", _("not discussed")


class IcdDeviceType(models.TextChoices):
    """ACP-MedicalDeviceProductType-ICD (SNOMED CT is-a 72506001)."""

    ICD = "72506001", _("implantable cardioverter-defibrillator (ICD)")


class IcdDeactivation(models.TextChoices):
    """Agreement on switching off the ICD: BehandelBesluit 0, NullFlavor ASKU / NASK."""

    AGREED = "0", _("yes: switch the ICD off in the last phase of life")
    NO_DECISION = "ASKU", _("no decision taken yet")
    NOT_DISCUSSED = "NASK", _("not discussed")


class MedicalPolicyGoal(models.TextChoices):
    """ACP-MedicalPolicyGoal (SNOMED CT) and NullFlavor UNK.

    The value set's 713148004 is stored for "symptom relief, no life prolongation" (the older
    form offered 225353007 for the same answer; the export uses the value set's code)."""

    CURATIVE = "385987000", _("curative: active treatment of the disease")
    LIFE_PROLONGING = "1351964001", _("palliative: prolong life and relieve symptoms")
    SYMPTOM_RELIEF = "713148004", _("palliative: relieve symptoms, no prolongation of life")
    UNKNOWN = "UNK", _("not known yet")


class EuthanasiaPosition(models.TextChoices):
    """ACP-EuthanasiaStatement (NL SNOMED CT) and NullFlavor UNK."""

    HAS_STATEMENT = "340181000146102", _("has a euthanasia statement")
    NO_EUTHANASIA = "340201000146103", _("does not want euthanasia")
    MAY_REQUEST = (
        "340191000146100",
        _("no euthanasia statement, but might ask for it in certain situations"),
    )
    UNKNOWN = "UNK", _("not known yet")


class ContactRole(models.TextChoices):
    """The role of a contact person (zib RolCodelijst; 310141000146103 is NL SNOMED CT)."""

    LEGAL_REPRESENTATIVE = "24", _("legal representative")
    FIRST_CONTACT = "01", _("first contact person")
    WRITTEN_AUTHORISATION = "310141000146103", _("authorised in writing")
    CURATOR = "03", _("curator")
    MENTOR = "15", _("mentor")
    OTHER = "09", _("other")


#: Roles that make someone a legal representative in the sense of the WGBO.
REPRESENTATIVE_ROLES = {
    ContactRole.LEGAL_REPRESENTATIVE,
    ContactRole.WRITTEN_AUTHORISATION,
    ContactRole.CURATOR,
    ContactRole.MENTOR,
}


class ContactRelationship(models.TextChoices):
    """Relationship to the patient (zib RelatieCodelijst: HL7 v3 RoleCode, NullFlavor OTH)."""

    PARTNER = "DOMPART", _("partner")
    HUSBAND = "HUSB", _("husband")
    WIFE = "WIFE", _("wife")
    FATHER = "FTH", _("father")
    MOTHER = "MTH", _("mother")
    SON = "SONC", _("son")
    DAUGHTER = "DAUC", _("daughter")
    BROTHER = "BRO", _("brother")
    SISTER = "SIS", _("sister")
    OTHER = "OTH", _("other")


class PractitionerFunction(models.TextChoices):
    """Function of the professional who held the conversation (UZI role codes)."""

    GP = "01.015", _("GP")
    PHYSICIAN = "01.000", _("physician")
    ELDERLY_CARE_PHYSICIAN = "01.047", _("elderly care physician")
    NURSE = "30.000", _("nurse")
    PHYSICIAN_ASSISTANT = "81.000", _("physician assistant")
    OTHER = "99.000", _("other professional")


class ShareAgreement(models.TextChoices):
    """Whether the patient agrees to share the agreements (SNOMED CT 441898007, NullFlavor UNK)."""

    AGREED = "441898007", _("agrees")
    UNKNOWN = "UNK", _("not known yet")


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("achieved")
    STOPPED = "stopped", _("stopped")


#: A goal still to be worked on (on its owner's start page).
OPEN_GOAL_STATUSES = (GoalStatus.PLANNED, GoalStatus.IN_PROGRESS)
#: What the owner can record from their list.
FOLLOW_UP_STATUSES = (GoalStatus.IN_PROGRESS, GoalStatus.DONE, GoalStatus.STOPPED)


class DraftStatus(models.TextChoices):
    OPEN = "open", _("waiting")
    REAPPLIED = "reapplied", _("taken up in a new version")
    DISCARDED = "discarded", _("discarded")


#: Plans whose review date falls within this many days appear on the worklist.
REVIEW_DUE_WITHIN_DAYS = 14


#: Notifications about a new plan version: the care team's are of kind
#: ``careplans.version.<version id>``, the acute-care organisations' of kind
#: ``careplans.acute_version.<version id>`` (made until acute care stopped being notified;
#: kept, linking to the acute search: they open no patient, decision 0011).
VERSION_KIND_PREFIX = "careplans.version."
ACUTE_VERSION_KIND_PREFIX = "careplans.acute_version."
