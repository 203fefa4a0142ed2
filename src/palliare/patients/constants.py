"""Enumerations of the palliative register. Codes that FHIR exchanges (places of death) use the
SNOMED CT / NullFlavor codes of the IKNL ACP value sets as their stored values."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    """zib Geslacht (administrative gender)."""

    FEMALE = "F", _("female")
    MALE = "M", _("male")
    UNDIFFERENTIATED = "UN", _("undifferentiated")
    UNKNOWN = "UNK", _("unknown")


class Dimension(models.TextChoices):
    """The four dimensions of palliative care."""

    PHYSICAL = "physical", _("physical")
    PSYCHOLOGICAL = "psychological", _("psychological")
    SOCIAL = "social", _("social")
    SPIRITUAL = "spiritual", _("spiritual")


class DiagnosisGroup(models.TextChoices):
    CANCER = "cancer", _("cancer")
    ORGAN_FAILURE = "organ_failure", _("organ failure")
    FRAILTY_DEMENTIA = "frailty_dementia", _("frailty / dementia")
    OTHER = "other", _("other")


class SpictGeneral(models.TextChoices):
    """SPICT-NL general indicators of deteriorating health."""

    UNPLANNED_ADMISSIONS = "unplanned_admissions", _("unplanned hospital admission(s)")
    POOR_PERFORMANCE = (
        "poor_performance",
        _("performance status poor or deteriorating (in bed or chair over half the day)"),
    )
    DEPENDENT_ON_OTHERS = (
        "dependent",
        _("depends on others for care due to increasing physical and/or mental health problems"),
    )
    CARER_NEEDS_HELP = "carer_needs_help", _("the informal caregiver needs more help and support")
    WEIGHT_LOSS = "weight_loss", _("significant weight loss over 3–6 months and/or a low BMI")
    PERSISTENT_SYMPTOMS = (
        "persistent_symptoms",
        _("persistent symptoms despite optimal treatment of underlying conditions"),
    )
    ASKS_FOR_PALLIATIVE_CARE = (
        "asks_palliative",
        _(
            "patient or family asks for palliative care, to reduce or stop treatment, or a focus "
            "on quality of life"
        ),
    )


class SpictDisease(models.TextChoices):
    """SPICT-NL clinical indicators of one or more life-limiting conditions."""

    CANCER = "cancer", _("cancer")
    DEMENTIA_FRAILTY = "dementia_frailty", _("dementia / frailty")
    NEUROLOGICAL = "neurological", _("neurological disease")
    HEART_VASCULAR = "heart_vascular", _("heart / vascular disease")
    RESPIRATORY = "respiratory", _("respiratory disease")
    KIDNEY = "kidney", _("kidney disease")
    LIVER = "liver", _("liver disease")
    OTHER = "other", _("other conditions")


class SurpriseAnswer(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    NOT_ASKED = "not_asked", _("not answered")


class ConsentScope(models.TextChoices):
    """What the patient explicitly agreed to share, and with whom."""

    CARE_TEAM = "care_team", _("share with the care team outside the GP practice")
    ACUTE_CARE = (
        "acute_care",
        _(
            "share with out-of-hours and acute care (out-of-hours GP post, emergency department, "
            "ambulance)"
        ),
    )
    REFERRAL = "referral", _("share with a receiving hospice or nursing home on referral")


class ConsentGivenBy(models.TextChoices):
    PATIENT = "patient", _("the patient")
    LEGAL_REPRESENTATIVE = "legal_representative", _("the legal representative")


class CareTeamRole(models.TextChoices):
    GP = "gp", _("GP")
    PRACTICE_NURSE = "practice_nurse", _("practice nurse (POH)")
    DISTRICT_NURSE = "district_nurse", _("district nurse")
    CASE_MANAGER = "case_manager", _("case manager")
    MEDICAL_SPECIALIST = "medical_specialist", _("medical specialist")
    HOSPITAL_NURSE = "hospital_nurse", _("hospital nurse")
    PALLIATIVE_SPECIALIST = "palliative_specialist", _("palliative care specialist")
    PHARMACIST = "pharmacist", _("pharmacist")
    SPIRITUAL_COUNSELLOR = "spiritual_counsellor", _("spiritual counsellor")
    SOCIAL_WORKER = "social_worker", _("social-domain worker")
    VOLUNTEER = "volunteer", _("terminal-care volunteer (VPTZ)")
    ELDERLY_CARE_PHYSICIAN = "elderly_care_physician", _("elderly care physician")
    OTHER = "other", _("other")


class SignalSuggestion(models.TextChoices):
    CONSIDER_MARKING = "consider_marking", _("consider marking the palliative phase")
    CAREGIVER_OVERLOADED = "caregiver_overloaded", _("informal caregiver overloaded")
    VOLUNTEER_NEEDED = "volunteer_needed", _("terminal-care volunteer needed")
    MEDICATION_REVIEW = "medication_review", _("medication review")
    SYMPTOMS = "symptoms", _("symptoms need attention")
    PLAN_REVIEW = "plan_review", _("review the care plan")
    OTHER = "other", _("other")


class SignalStatus(models.TextChoices):
    NEW = "new", _("new")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    HANDLED = "handled", _("handled")


class Urgency(models.TextChoices):
    """Colour code of the PaTz register for urgency and complexity."""

    RED = "red", _("red: unstable, expected to die within weeks")
    ORANGE = "orange", _("orange: deteriorating, expected to die within months")
    GREEN = "green", _("green: stable")


class VolunteerStatus(models.TextChoices):
    DISCUSSED = "discussed", _("discussed")
    REQUESTED = "requested", _("requested")
    ACCEPTED = "accepted", _("accepted by the volunteer organisation")
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")
    DECLINED = "declined", _("declined")


class PlaceOfDeath(models.TextChoices):
    """Places of (preferred) death: the IKNL ACP-PreferredPlaceOfDeath codes (SNOMED CT,
    NullFlavor)."""

    HOME = "264362003", _("home")
    HOSPITAL = "22232009", _("hospital")
    NURSING_HOME = "108344006", _("nursing home")
    HOSPICE = "284546000", _("hospice")
    OTHER = "OTH", _("other")
    UNKNOWN = "UNK", _("unknown")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    UNKNOWN = "unknown", _("unknown")


#: A regular burden check of informal caregivers is due after this many days.
BURDEN_CHECK_INTERVAL_DAYS = 28
#: Scores of the burden check (0 = no burden, 10 = cannot go on) from which help is needed.
BURDEN_OVERLOADED_FROM = 7


class ContactClass(models.TextChoices):
    """The kind of a care contact (zib Contact, ContactType as HL7 v3 ActEncounterCode)."""

    AMBULATORY = "AMB", _("outpatient visit")
    EMERGENCY = "EMER", _("emergency visit")
    FIELD = "FLD", _("field visit")
    HOME_HEALTH = "HH", _("home visit")
    INPATIENT = "IMP", _("hospital admission")
    ACUTE_INPATIENT = "ACUTE", _("acute admission")
    NON_ACUTE_INPATIENT = "NONAC", _("non-acute admission")
    OBSERVATION = "OBSENC", _("observation stay")
    PRE_ADMISSION = "PRENC", _("pre-admission")
    SHORT_STAY = "SS", _("short stay")
    VIRTUAL = "VR", _("remote contact")


class ContactStatus(models.TextChoices):
    """The state of a care contact (FHIR R4 encounter-status)."""

    PLANNED = "planned", _("planned")
    ARRIVED = "arrived", _("arrived")
    TRIAGED = "triaged", _("triaged")
    IN_PROGRESS = "in-progress", _("in progress")
    ON_LEAVE = "onleave", _("on leave")
    FINISHED = "finished", _("finished")
    CANCELLED = "cancelled", _("cancelled")
    ENTERED_IN_ERROR = "entered-in-error", _("entered in error")
    UNKNOWN = "unknown", _("unknown")


#: Session key under which another part of Palliare (a launch from the GP's information system)
#: leaves the fields of a patient to register, read once by the registration form.
REGISTRATION_PREFILL_SESSION_KEY = "patients.registration_prefill"


class SuggestionStatus(models.TextChoices):
    """Where a marking suggestion (patients.suggestions) stands."""

    OPEN = "open", _("open")
    DISMISSED = "dismissed", _("dismissed")
    LED_TO_MARKING = "led_to_marking", _("led to marking")
    #: The rules no longer match (the evidence fell out of its window, or the patient was
    #: marked or died without the suggestion having been shown).
    LAPSED = "lapsed", _("lapsed")


class SuggestionDismissReason(models.TextChoices):
    """Why a professional dismissed a marking suggestion."""

    NOT_PALLIATIVE = "not_palliative", _("in my judgement not (yet) in the palliative phase")
    ALREADY_DISCUSSED = "already_discussed", _("already discussed with the patient; not now")
    PATIENT_DECLINES = "patient_declines", _("the patient does not want this now")
    DATA_INCORRECT = "data_incorrect", _("the data behind the suggestion is incorrect")
    NOT_OUR_PATIENT = "not_our_patient", _("someone else is the lead practitioner")
    OTHER = "other", _("other reason")


class SuggestionEventKind(models.TextChoices):
    """What happened to a marking suggestion (its append-only history)."""

    SUGGESTED = "suggested", _("suggested")
    EVIDENCE_CHANGED = "evidence_changed", _("evidence changed")
    REOPENED = "reopened", _("reopened with new evidence")
    SHOWN = "shown", _("shown")
    DISMISSED = "dismissed", _("dismissed")
    LED_TO_MARKING = "led_to_marking", _("led to marking")
    LAPSED = "lapsed", _("lapsed")
