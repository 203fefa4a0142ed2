"""Validators of meetings."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .constants import EARLIEST_MEETING_YEAR, LATEST_MEETING_YEAR


def validate_meeting_start(value: dt.datetime) -> None:
    """A meeting starts between 2000 and 2100: a date at the edge of the calendar (year 1,
    year 9999) cannot be stored in UTC, shown in local time or put in an invitation."""
    if not EARLIEST_MEETING_YEAR <= value.year <= LATEST_MEETING_YEAR:
        raise ValidationError(
            _("Choose a date between %(first)s and %(last)s."),
            code="starts_at_out_of_range",
            params={"first": EARLIEST_MEETING_YEAR, "last": LATEST_MEETING_YEAR},
        )
