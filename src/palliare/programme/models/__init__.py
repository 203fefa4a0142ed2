from .activities import ActivityRow
from .budget import BudgetLine, BudgetYear, Expense
from .governance import (
    AgendaTopic,
    Body,
    BodyMeeting,
    BodyMembership,
    Decision,
    Document,
    MeetingAttendance,
    ProgrammeAction,
)
from .members import MemberOrganization
from .organisations import (
    Bottleneck,
    CoreElement,
    Reminder,
    ReportingRound,
    SelfEvaluation,
    SelfEvaluationAction,
    Submission,
    Theme,
    WorkPlan,
    WorkPlanEntry,
)
from .plan import ActionLine, Deliverable, DeliverableVersion, MilestoneKpi, PhaseAssignment
from .reports import AnnualReport, IssuedReport

__all__ = [
    "ActionLine",
    "ActivityRow",
    "AgendaTopic",
    "AnnualReport",
    "Body",
    "BodyMeeting",
    "BodyMembership",
    "Bottleneck",
    "BudgetLine",
    "BudgetYear",
    "CoreElement",
    "Decision",
    "Deliverable",
    "DeliverableVersion",
    "Document",
    "Expense",
    "IssuedReport",
    "MeetingAttendance",
    "MemberOrganization",
    "MilestoneKpi",
    "PhaseAssignment",
    "ProgrammeAction",
    "Reminder",
    "ReportingRound",
    "SelfEvaluation",
    "SelfEvaluationAction",
    "Submission",
    "Theme",
    "WorkPlan",
    "WorkPlanEntry",
]
