"""Models of core teams and meetings, one module per aggregate."""

from .agenda import AgendaItem
from .coreteams import CoreTeam, CoreTeamMember
from .meetings import Attendee, Meeting
from .minutes import ActionItem, ActionItemEvent, MinutesVersion

__all__ = [
    "ActionItem",
    "ActionItemEvent",
    "AgendaItem",
    "Attendee",
    "CoreTeam",
    "CoreTeamMember",
    "Meeting",
    "MinutesVersion",
]
