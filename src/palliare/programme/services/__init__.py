"""The programme's services: every write of the network's own work goes through these
functions (they check permission and write the access log in the same transaction). Other apps
import this module, e.g. ``programme.services.milestone_statuses(on=...)`` and
``programme.services.decision_choices()``."""

from ..milestones import MilestoneState, milestone_statuses
from .common import ConflictError
from .governance import (
    add_action,
    add_body_member,
    add_topic,
    attach_document,
    check_document,
    complete_action,
    create_body,
    current_members,
    decision_choices,
    end_body_membership,
    get_decision,
    plan_body_meeting,
    record_attendance,
    record_decision,
    save_minutes,
    set_meeting_status,
)
from .members import add_member, is_member, public_members, update_member
from .plan import (
    adopt_deliverable,
    create_deliverable,
    may_edit_deliverable,
    reschedule_deliverable,
    save_action_line,
    save_deliverable_text,
    set_assignment,
    submit_deliverable,
)

__all__ = [
    "ConflictError",
    "MilestoneState",
    "add_action",
    "add_body_member",
    "add_member",
    "add_topic",
    "adopt_deliverable",
    "attach_document",
    "check_document",
    "complete_action",
    "create_body",
    "create_deliverable",
    "current_members",
    "decision_choices",
    "end_body_membership",
    "get_decision",
    "is_member",
    "may_edit_deliverable",
    "milestone_statuses",
    "plan_body_meeting",
    "public_members",
    "record_attendance",
    "record_decision",
    "reschedule_deliverable",
    "save_action_line",
    "save_deliverable_text",
    "save_minutes",
    "set_assignment",
    "set_meeting_status",
    "submit_deliverable",
    "update_member",
]
