"""Services of core teams and meetings: every change goes through these functions, which check
access, change state and write the access log in one transaction.

Other apps import from here (``from palliare.meetings import services``)."""

from .agenda import add_agenda_patient, move_agenda_item, prepare_agenda, remove_agenda_item
from .common import ConflictError, professional_email
from .coreteams import (
    add_core_team_member,
    create_core_team,
    end_core_team_member,
    save_core_team_from_admin,
    save_core_team_member_from_admin,
    update_core_team,
)
from .exports import calendar_event
from .meetings import (
    add_attendee,
    cancel_meeting,
    mark_held,
    plan_meeting,
    previous_meeting,
    remove_attendee,
    set_attendance,
    update_meeting,
)
from .minutes import (
    add_action_item,
    complete_action_item,
    current_minutes,
    reopen_action_item,
    save_minutes,
)

__all__ = [
    "ConflictError",
    "add_action_item",
    "add_agenda_patient",
    "add_attendee",
    "add_core_team_member",
    "calendar_event",
    "cancel_meeting",
    "complete_action_item",
    "create_core_team",
    "current_minutes",
    "end_core_team_member",
    "mark_held",
    "move_agenda_item",
    "plan_meeting",
    "prepare_agenda",
    "previous_meeting",
    "professional_email",
    "remove_agenda_item",
    "remove_attendee",
    "reopen_action_item",
    "save_core_team_from_admin",
    "save_core_team_member_from_admin",
    "save_minutes",
    "set_attendance",
    "update_core_team",
    "update_meeting",
]
