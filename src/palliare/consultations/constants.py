"""Enumerations of the consultation rota and consultation requests."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class SlotKind(models.TextChoices):
    """Office hours are arranged per subregion, out of hours (ANW) region-wide (002 §1.2)."""

    OFFICE_HOURS = "office_hours", _("Office hours")
    OUT_OF_HOURS = "out_of_hours", _("Out of hours (evenings, nights, weekends)")


class Weekday(models.IntegerChoices):
    """Python's ``date.weekday()`` numbering; a weekly slot stores a set of them as a bit mask."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


WEEKDAY_SHORT = {
    Weekday.MONDAY: _("Mon"),
    Weekday.TUESDAY: _("Tue"),
    Weekday.WEDNESDAY: _("Wed"),
    Weekday.THURSDAY: _("Thu"),
    Weekday.FRIDAY: _("Fri"),
    Weekday.SATURDAY: _("Sat"),
    Weekday.SUNDAY: _("Sun"),
}

#: Bit of the "public holidays" flag in a weekly slot's day mask (bits 0–6 are the weekdays).
HOLIDAY_BIT = 1 << 7
ALL_WEEKDAYS_MASK = (1 << 7) - 1


class ConsultationStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    ADVISED = "advised", _("Advice given")
    CLOSED = "closed", _("Closed")


#: Allowed status changes. Recording more advice keeps a request "advised".
TRANSITIONS: dict[str, frozenset[str]] = {
    ConsultationStatus.NEW: frozenset({ConsultationStatus.ACCEPTED}),
    ConsultationStatus.ACCEPTED: frozenset({ConsultationStatus.ADVISED}),
    ConsultationStatus.ADVISED: frozenset({ConsultationStatus.ADVISED, ConsultationStatus.CLOSED}),
    ConsultationStatus.CLOSED: frozenset(),
}

OPEN_STATUSES = (ConsultationStatus.NEW, ConsultationStatus.ACCEPTED)


class Urgency(models.TextChoices):
    WITHIN_HOUR = "within_hour", _("Within 1 hour")
    TODAY = "today", _("Today")
    THIS_WEEK = "this_week", _("This week")


#: How soon the team should respond (accept) for each urgency; shown as "respond by".
RESPONSE_TARGET: dict[str, dt.timedelta] = {
    Urgency.WITHIN_HOUR: dt.timedelta(hours=1),
    Urgency.TODAY: dt.timedelta(hours=8),
    Urgency.THIS_WEEK: dt.timedelta(days=5),
}

#: Sort order of the team inbox: most urgent first.
URGENCY_RANK = {Urgency.WITHIN_HOUR: 0, Urgency.TODAY: 1, Urgency.THIS_WEEK: 2}


class Dimension(models.TextChoices):
    """The four dimensions of palliative care (Kwaliteitskader palliatieve zorg)."""

    PHYSICAL = "physical", _("Physical")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    SOCIAL = "social", _("Social")
    SPIRITUAL = "spiritual", _("Spiritual")


class AgeGroup(models.TextChoices):
    """Age groups for an anonymous case: coarse enough not to identify anyone."""

    UNDER_18 = "0-17", _("Under 18")
    AGE_18_64 = "18-64", _("18 to 64")
    AGE_65_74 = "65-74", _("65 to 74")
    AGE_75_84 = "75-84", _("75 to 84")
    AGE_85_PLUS = "85+", _("85 or older")


def age_group_for(age: int) -> AgeGroup:
    """The age group of a patient of ``age`` years."""
    if age < 18:
        return AgeGroup.UNDER_18
    if age < 65:
        return AgeGroup.AGE_18_64
    if age < 75:
        return AgeGroup.AGE_65_74
    if age < 85:
        return AgeGroup.AGE_75_84
    return AgeGroup.AGE_85_PLUS


class DiagnosisGroup(models.TextChoices):
    CANCER = "cancer", _("Cancer")
    HEART_FAILURE = "heart_failure", _("Heart failure")
    COPD = "copd", _("COPD or other lung disease")
    DEMENTIA = "dementia", _("Dementia")
    NEUROLOGICAL = "neurological", _("Neurological disease (e.g. ALS, Parkinson's)")
    KIDNEY_FAILURE = "kidney_failure", _("Kidney failure")
    FRAILTY = "frailty", _("Frailty or old age")
    OTHER = "other", _("Other or unknown")
