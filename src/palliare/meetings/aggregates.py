"""Conditions over PaTz/MDO meetings for monitoring (issue 15), used inside the register's
aggregate counts (``patients.aggregates``)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from .constants import MeetingStatus
from .models import AgendaItem


def discussed_before_death() -> Q:
    """The patient was on the agenda of a held PaTz/MDO meeting (not removed from it) that took
    place on or before the day of death."""
    items = AgendaItem.objects.filter(
        patient=OuterRef("patient"),
        removed_at__isnull=True,
        meeting__status=MeetingStatus.HELD,
        meeting__starts_at__date__lte=OuterRef("date_of_death"),
    )
    return Q(Exists(items))
