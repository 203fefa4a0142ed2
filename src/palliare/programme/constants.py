"""Enumerations of the network's own work: bodies, roles, plan phases, statuses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Documents attached to an agenda or a deliverable: at most this many bytes.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: Accepted document types: extension → the content types a browser may send for it.
DOCUMENT_TYPES: dict[str, tuple[str, ...]] = {
    "pdf": ("application/pdf",),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",),
    "odt": ("application/vnd.oasis.opendocument.text",),
    "txt": ("text/plain",),
}
#: The first bytes of each accepted type (a renamed executable is refused).
DOCUMENT_MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "txt": (b"",),
}
#: A self-evaluation is repeated every five years (annual report 2021: "een cyclus van 5 jaar").
SELF_EVALUATION_CYCLE_YEARS = 5
#: A milestone whose deadline is this close while deliverables are not yet submitted is at risk.
AT_RISK_DAYS = 90


class BodyKind(models.TextChoices):
    STEERING_GROUP = "steering_group", _("Steering group")
    DAILY_BOARD = "daily_board", _("Daily board")
    SUBREGIONAL_NETWORK = "subregional_network", _("Subregional network")
    WORKING_GROUP = "working_group", _("Working group")
    PROGRAMME_TEAM = "programme_team", _("Programme management team")


class BodyRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")
    ADVISOR = "advisor", _("Advisor")
    PROJECT_LEADER = "project_leader", _("Project leader")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Attendance(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent with notice")
    NOT_RECORDED = "", _("Not recorded")


class Phase(models.TextChoices):
    """The phases every action line goes through (workbook v2.2, figure 1); the workbook itself
    is the plan-wide deliverable of KPI 3."""

    WORKBOOK = "workbook", _("Workbook")
    FRAMEWORKS = "frameworks", _("Regional frameworks")
    WORKING_AGREEMENTS = "working_agreements", _("Working agreements per subregion")
    IMPLEMENTATION = "implementation", _("Implementation")
    EVALUATION = "evaluation", _("Evaluation and embedding")


#: The order of the phases in the timeline.
PHASE_ORDER = [p.value for p in Phase]


class DeliverableStatus(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    SUBMITTED = "submitted", _("Submitted to the steering group")
    ADOPTED = "adopted", _("Adopted")


class MilestoneStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")
    REACHED = "reached", _("Reached")


class RoundKind(models.TextChoices):
    WORK_PLAN = "work_plan", _("Work plan")
    PROGRESS_REPORT = "progress_report", _("Progress report")


class ReminderStep(models.TextChoices):
    """Which reminder of a reporting round a member got: the coordinator's button, or one of
    the scheduled steps (each once per round and member)."""

    MANUAL = "manual", _("Sent by the coordinator")
    BEFORE_14 = "before_14", _("14 days before the deadline")
    BEFORE_3 = "before_3", _("3 days before the deadline")
    OVERDUE = "overdue", _("After the deadline")


#: Scheduled reminder steps before a round's deadline: (days before, step), latest first.
REMINDER_STEPS_BEFORE = ((3, ReminderStep.BEFORE_3), (14, ReminderStep.BEFORE_14))
#: The overdue reminder goes once, on a day within this many days after the deadline (a round
#: long past is not reminded of when the schedule starts running).
OVERDUE_REMINDER_WITHIN_DAYS = 30


class DeliveryState(models.TextChoices):
    ON_TIME = "on_time", _("Delivered")
    LATE_DELIVERED = "late_delivered", _("Delivered late")
    OPEN = "open", _("Not yet due")
    LATE = "late", _("Late")


class SelfEvaluationPhase(models.TextChoices):
    PLANNED = "planned", _("Planned")
    STARTED = "started", _("Started")
    DONE = "done", _("Done")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class BottleneckStatus(models.TextChoices):
    SIGNALLED = "signalled", _("Signalled")
    ON_AGENDA = "on_agenda", _("On the steering group's agenda")
    MONITORING = "monitoring", _("Being monitored")
    RESOLVED = "resolved", _("Resolved")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


#: Activity rows in these states move to next year's plan when it is carried over.
UNFINISHED_ACTIVITY = ("planned", "in_progress")
