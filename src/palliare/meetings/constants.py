"""Enumerations of core teams and PaTz/MDO meetings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    PATZ = "patz", _("PaTz meeting")
    MDO = "mdo", _("multidisciplinary meeting (MDO)")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("present")
    REMOTE = "remote", _("remote")


class ActionEventKind(models.TextChoices):
    CREATED = "created", _("created")
    DONE = "done", _("done")
    REOPENED = "reopened", _("reopened")


#: Without a previous meeting, "newly marked" and "recently deceased" look back this many days.
DEFAULT_LOOKBACK_DAYS = 56
#: A meeting lasts this long unless planned otherwise.
DEFAULT_DURATION_MINUTES = 60
#: The start page lists meetings coming up within this many days.
UPCOMING_DAYS = 14
#: The agenda section manually added patients land in unless the coordinator picks another.
OTHER_SECTION = "other"
#: Meetings are planned within these years (inclusive): a date at the edge of the calendar
#: cannot be shown, exported or put in a calendar invitation.
EARLIEST_MEETING_YEAR = 2000
LATEST_MEETING_YEAR = 2100
