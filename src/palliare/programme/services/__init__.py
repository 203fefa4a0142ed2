"""The programme's services: every write of the network's own work goes through these
functions (they check permission and write the access log in the same transaction). Other apps
import this module, e.g. ``programme.services.milestone_statuses(on=...)`` and
``programme.services.decision_choices()``."""

from ..milestones import MilestoneState, milestone_statuses
from .activities import carry_over, save_activity
from .budget import accountability, record_expense, set_budget_line, set_budget_year
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
from .organisations import (
    add_self_evaluation_action,
    create_round,
    deliver,
    record_bottleneck,
    save_self_evaluation,
    save_work_plan,
    set_self_evaluation_action_status,
    update_bottleneck,
)
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
from .reminders import DueReminder, reminders_due, send_reminders, send_scheduled_reminder
from .reports import issue_report, save_report_narrative

__all__ = [
    "ConflictError",
    "DueReminder",
    "MilestoneState",
    "accountability",
    "add_action",
    "add_body_member",
    "add_member",
    "add_self_evaluation_action",
    "add_topic",
    "adopt_deliverable",
    "attach_document",
    "carry_over",
    "check_document",
    "complete_action",
    "create_body",
    "create_deliverable",
    "create_round",
    "current_members",
    "decision_choices",
    "deliver",
    "end_body_membership",
    "get_decision",
    "is_member",
    "issue_report",
    "may_edit_deliverable",
    "milestone_statuses",
    "plan_body_meeting",
    "public_members",
    "record_attendance",
    "record_bottleneck",
    "record_decision",
    "record_expense",
    "reminders_due",
    "reschedule_deliverable",
    "save_action_line",
    "save_activity",
    "save_deliverable_text",
    "save_minutes",
    "save_report_narrative",
    "save_self_evaluation",
    "save_work_plan",
    "send_reminders",
    "send_scheduled_reminder",
    "set_assignment",
    "set_budget_line",
    "set_budget_year",
    "set_meeting_status",
    "set_self_evaluation_action_status",
    "submit_deliverable",
    "update_bottleneck",
    "update_member",
]
