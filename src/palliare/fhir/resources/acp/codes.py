"""Codes and URLs of the ACP resources (IKNL guide §3)."""

from __future__ import annotations

from ...constants import ACP_BASE, NL_CORE_BASE, NULL_FLAVOR, ROLE_CODE, SNOMED

CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_CATEGORY = "http://terminology.hl7.org/CodeSystem/consentcategorycodes"
BEHANDELING_VS = (
    "http://decor.nictiz.nl/fhir/ValueSet/2.16.840.1.113883.2.4.3.11.60.40.2.2.2.1--20200901000000"
)
ROLE_OID = "urn:oid:2.16.840.1.113883.2.4.3.11.22.472"
ROLE_OID_ZIB = "urn:oid:2.16.840.1.113883.2.4.3.11.60.40.4.23.1"
ROLE_VS = (
    "http://decor.nictiz.nl/fhir/ValueSet/2.16.840.1.113883.2.4.3.11.60.40.2.3.1.2--20200901000000"
)
RELATION_VS = (
    "http://decor.nictiz.nl/fhir/ValueSet/2.16.840.1.113883.2.4.3.11.60.40.2.3.1.1--20200901000000"
)
WILSVERKLARING = "urn:oid:2.16.840.1.113883.2.4.3.11.60.40.4.14.1"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"

EXT_LEGALLY_CAPABLE = ACP_BASE + "ext-LegallyCapable-MedicalTreatmentDecisions"
EXT_RELATED_PERSON = "http://hl7.org/fhir/StructureDefinition/patient-relatedPerson"
EXT_SPECIFICATION_OTHER = NL_CORE_BASE + "ext-TreatmentDirective2.SpecificationOther"
EXT_COMMENT = NL_CORE_BASE + "ext-Comment"
EXT_REASON_FOR_ENDING = NL_CORE_BASE + "ext-TreatmentDirective2.ReasonForEnding"
EXT_ENCOUNTER_REFERENCE = ACP_BASE + "ext-EncounterReference"

ACP_PROCEDURE = "713603004"
ICD = "72506001"
TREATMENT_DIRECTIVE_CATEGORY = "129125009"
INFORM_RELATIVES = "223449006"
ICD_DEACTIVATION = "400231000146108"
ICD_DEACTIVATION_TEXT = (
    "uitzetten van cardioverter-defibrillator in laatste levensfase (SNOMED CT - 400231000146108)"
)
OBS_CARE_WISHES = "153851000146100"
OBS_PLACE_OF_DEATH = "395091006"
OBS_EUTHANASIA = "340171000146104"
OBS_DONATION = "570801000146104"
OBS_SENSE_OF_PURPOSE = "247751003"
METHOD_CARE_WISHES = "370819000"
METHOD_SELF_REPORTED = "1156040003"
GOAL_OLD_SYMPTOM_RELIEF = "225353007"  # the 0.1.3 form's code for 713148004
QUESTIONNAIRE = "https://api.iknl.nl/docs/pzp/r4/Questionnaire/ACP-zib2020"
QUESTIONNAIRE_OLD = "https://fhir.iknl.nl/fhir/Questionnaire/ACP-zib2020"

PROFILES = {
    "RelatedPerson": ACP_BASE + "ACP-ContactPerson",
    "Procedure": ACP_BASE + "ACP-Procedure",
    "Encounter": ACP_BASE + "ACP-Encounter",
    "Consent:treatment": ACP_BASE + "ACP-TreatmentDirective",
    "Consent:adr": ACP_BASE + "ACP-AdvanceDirective",
    "Goal": ACP_BASE + "ACP-MedicalPolicyGoal",
    "Observation:" + OBS_CARE_WISHES: ACP_BASE + "ACP-SpecificCareWishes",
    "Observation:" + OBS_PLACE_OF_DEATH: ACP_BASE + "ACP-PreferredPlaceOfDeath",
    "Observation:" + OBS_EUTHANASIA: ACP_BASE + "ACP-PositionRegardingEuthanasia",
    "Observation:" + OBS_DONATION: ACP_BASE + "ACP-OrganDonationChoiceRegistration",
    "Observation:" + OBS_SENSE_OF_PURPOSE: ACP_BASE + "ACP-SenseOfPurpose",
    "Device": ACP_BASE + "ACP-MedicalDevice.Product-ICD",
    "DeviceUseStatement": ACP_BASE + "ACP-MedicalDevice",
    "CommunicationRequest": ACP_BASE + "ACP-InformRelativesRequest",
    "Communication": ACP_BASE + "ACP-Communication",
    "QuestionnaireResponse": "http://hl7.org/fhir/StructureDefinition/QuestionnaireResponse",
    "Condition": NL_CORE_BASE + "nl-core-Problem",
}

__all__ = ["NULL_FLAVOR", "ROLE_CODE", "SNOMED"]
