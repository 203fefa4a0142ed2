"""Enumerations of the monitoring app: the KPI catalogue's vocabularies, areas and periods."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    """The NPPZ II "5 J's" a KPI belongs to."""

    RIGHT_CARE = "care", _("right care")
    RIGHT_PLACE = "place", _("right place")
    RIGHT_MOMENT = "moment", _("right moment")
    RIGHT_PROFESSIONAL = "professional", _("right professional")
    RIGHT_INFORMATION = "information", _("right information")


class KpiKind(models.TextChoices):
    EFFORT = "effort", _("effort")
    RESULT = "result", _("result")
    OUTCOME = "outcome", _("outcome")


class Unit(models.TextChoices):
    PERCENT = "percent", _("percent")
    DAYS = "days", _("days")
    MINUTES = "minutes", _("minutes (time)")
    COUNT = "count", _("count")


class Source(models.TextChoices):
    COMPUTED = "computed", _("computed by Palliare from the register")
    DELIVERED = "delivered", _("delivered by organisations")
    MILESTONE = "milestone", _("milestone from the programme")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")
    NONE = "none", _("no direction (context)")


class Breakdown(models.TextChoices):
    SUBREGION = "subregion", _("subregion")
    MUNICIPALITY = "municipality", _("municipality")
    ORGANIZATION = "organization", _("organisation")
    AGE_BAND = "age_band", _("age band")
    DIAGNOSIS_GROUP = "diagnosis_group", _("diagnosis group")
    FACILITY_KIND = "facility_kind", _("facility kind")
    FACILITY = "facility", _("facility")


class AreaType(models.TextChoices):
    REGION = "region", _("region")
    SUBREGION = "subregion", _("subregion")
    MUNICIPALITY = "municipality", _("municipality")
    ORGANIZATION = "organization", _("organisation")


class PeriodType(models.TextChoices):
    YEAR = "year", _("year")
    QUARTER = "quarter", _("quarter")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Rag(models.TextChoices):
    """Red/amber/green against the target (see ``rag.py`` for the rule)."""

    GREEN = "green", _("on target")
    AMBER = "amber", _("close to target")
    RED = "red", _("off target")
    NONE = "none", _("no target or too few cases")


#: The first year of the baseline (seed 002 §6.4: "de nulmeting obv 2022, 2023 en 2024").
BASELINE_YEARS = (2022, 2023, 2024)
#: Recomputation always redoes this many most recent quarters: late death registrations and
#: corrections land there (the fill state covers older periods).
LOOKBACK_QUARTERS = 8
#: The first period Palliare computes figures for.
FIRST_YEAR = 2022

#: The purpose recorded on access-log events about aggregate figures (no patient).
STATISTICS_PURPOSE = "statistics"
