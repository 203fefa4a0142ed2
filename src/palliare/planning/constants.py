"""Enumerations and fixed numbers of capacity planning."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: The horizons the page and the annual report show, in years after the scenario's start year.
HORIZONS = (5, 10)
#: The longest horizon: projections run from the last CBS year up to start year + this.
MAX_HORIZON = max(HORIZONS)
#: Specialists needed are expressed per this many expected deaths.
DEATHS_PER_NORM = 10_000


class GrowthMethod(models.TextChoices):
    """How the expected deaths of the coming years are derived from the CBS figures."""

    TREND = "trend", _("Trend of the CBS deaths (straight line)")
    AGE = "age", _("Age structure of the population (cohorts growing older)")
    FIXED = "fixed", _("Fixed growth percentage per year")


class Qualification(models.TextChoices):
    """What makes someone a palliative care specialist (specialist PZ), after the national
    guidelines the seed refers to (002 §1.2)."""

    PHYSICIAN = "physician", _("Palliative care physician (kaderarts palliatieve zorg)")
    MEDICAL_SPECIALIST = "medical_specialist", _("Medical specialist in palliative care")
    NURSE_SPECIALIST = "nurse_specialist", _("Nurse specialist in palliative care")
    NURSE_EXPERT = "nurse_expert", _("Nurse expert in palliative care")
    OTHER = "other", _("Other specialist qualification")


#: Facility kinds counted as hospice beds (seed 002 §1.7: hospices and palliative units).
HOSPICE_KINDS = ("hospice", "palliative_unit")
#: Other palliative beds in the directory, shown beside them for context only.
OTHER_BED_KINDS = ("nursing_home", "short_stay")
