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
from .plan import ActionLine, Deliverable, DeliverableVersion, MilestoneKpi, PhaseAssignment

__all__ = [
    "ActionLine",
    "AgendaTopic",
    "Body",
    "BodyMeeting",
    "BodyMembership",
    "Decision",
    "Deliverable",
    "DeliverableVersion",
    "Document",
    "MeetingAttendance",
    "MemberOrganization",
    "MilestoneKpi",
    "PhaseAssignment",
    "ProgrammeAction",
]
