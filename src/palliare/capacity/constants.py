"""Enumerations and fixed values of beds, district-nursing intake and quality assessments."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from palliare.organizations.constants import OrganizationType


class FacilityKind(models.TextChoices):
    """What kind of place a facility with palliative beds is."""

    HOSPICE = "hospice", _("Hospice")
    PALLIATIVE_UNIT = "palliative_unit", _("Palliative unit")
    NURSING_HOME = "nursing_home", _("Palliative beds in a nursing home")
    SHORT_STAY = "short_stay", _("Short-stay palliative beds (ELV)")


class AdmissionStatus(models.TextChoices):
    """Whether a facility admits new guests now."""

    OPEN = "open", _("Open for admissions")
    ADMISSION_STOP = "admission_stop", _("Admission stop")
    CLOSED = "closed", _("Closed")


class IntakeStatus(models.TextChoices):
    """Whether a district-nursing organisation takes new palliative clients now."""

    YES = "yes", _("Takes new palliative clients")
    LIMITED = "limited", _("Limited room for new clients")
    NO = "no", _("No new clients for now")


class QualityStatus(models.TextChoices):
    """Where an organisation stands against the regional quality requirements, today."""

    MEETS = "meets", _("Meets the requirements")
    NOT_MET = "not_met", _("Does not meet all requirements")
    EXPIRED = "expired", _("Assessment expired")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


class Channel(models.TextChoices):
    """Where a status change came from."""

    WEB = "web", _("web form")
    QUICK = "quick", _("start page")
    API = "api", _("API")
    DEMO = "demo", _("demo data")


#: A bed status older than this is flagged as stale and its facility is reminded.
STALE_AFTER = dt.timedelta(hours=24)

#: A reminder is repeated at most this often while a facility's status stays stale.
REMIND_EVERY = dt.timedelta(hours=24)

#: Default validity of a quality assessment (the seeds mention "toetsing eens in de 2 jaar").
DEFAULT_VALIDITY_MONTHS = 24

#: Coordinators are warned this long before an assessment expires.
EXPIRY_WARNING = dt.timedelta(days=60)

#: Upper bound of beds and waiting lists: a typo guard, not a policy.
MAX_BEDS = 500
MAX_WAITING_LIST = 999

#: Organisation types whose beds are kept as facilities.
FACILITY_ORGANIZATION_TYPES = frozenset(
    {
        OrganizationType.HOSPICE,
        OrganizationType.PALLIATIVE_UNIT,
        OrganizationType.NURSING_HOME,
        OrganizationType.HOSPITAL,
        OrganizationType.OTHER,
    }
)
