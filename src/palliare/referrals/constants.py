"""Enumerations of referrals."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from palliare.organizations.constants import OrganizationType


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    ADMITTED = "admitted", _("admitted")
    WITHDRAWN = "withdrawn", _("withdrawn")


#: Which status may follow which (the model guards the order).
NEXT_STATUS: dict[str, set[str]] = {
    ReferralStatus.SENT: {
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.WITHDRAWN,
    },
    ReferralStatus.ACCEPTED: {ReferralStatus.ADMITTED, ReferralStatus.WITHDRAWN},
    ReferralStatus.DECLINED: set(),
    ReferralStatus.ADMITTED: set(),
    ReferralStatus.WITHDRAWN: set(),
}
OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class ReferralUrgency(models.TextChoices):
    TODAY = "today", _("today")
    THIS_WEEK = "this_week", _("this week")
    PLANNED = "planned", _("planned")


#: The organisations a patient can be referred to.
RECEIVING_TYPES = (
    OrganizationType.HOSPICE,
    OrganizationType.PALLIATIVE_UNIT,
    OrganizationType.NURSING_HOME,
    OrganizationType.DISTRICT_NURSING,
)


class PlanQuality(models.TextChoices):
    """How the receiving organisation judged the care plan the patient arrived with."""

    GOOD = "good", _("good: complete and current")
    ADEQUATE = "adequate", _("adequate: some gaps")
    INSUFFICIENT = "insufficient", _("insufficient: important parts missing")
    NO_PLAN = "no_plan", _("there was no care plan")


class MissingItem(models.TextChoices):
    """What was missing at admission (workbook §1.7: feedback to referrers)."""

    CARE_PLAN = "care_plan", _("an individual care plan")
    TREATMENT_LIMITS = "treatment_limits", _("clear treatment limits")
    WISHES = "wishes", _("wishes and preferred place of death")
    MEDICATION = "medication", _("anticipatory medication (palliative kit)")
    CAREGIVER_SUPPORT = "caregiver_support", _("support for the informal caregiver")
    PSYCHOSOCIAL = "psychosocial", _("attention to psychological, social and spiritual needs")
    CONTACTS = "contacts", _("contact persons and legal representative")
    DIAGNOSIS = "diagnosis", _("diagnosis and expected course")
    TIMING = "timing", _("referral in time (the patient came late)")
    OTHER = "other", _("something else")
