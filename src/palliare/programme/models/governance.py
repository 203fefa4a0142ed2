"""Governance bodies, who sits in them, their meetings, decisions and actions."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from palliare.db.periods import PeriodModel

from ..constants import Attendance, BodyKind, BodyRole, MeetingStatus


class Body(models.Model):
    """A governance body: steering group, daily board, a subregional network, a working group
    or the programme management team. ``code`` prefixes its decision numbers (SG-2026-07)."""

    kind = models.CharField(_("kind"), max_length=24, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("decision prefix"),
        max_length=10,
        unique=True,
        help_text=_("Short letters before the decision numbers, e.g. SG for the steering group."),
    )
    subregion = models.ForeignKey(
        "organizations.Subregion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subregion"),
    )
    assignment = models.TextField(_("assignment"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("governance body")
        verbose_name_plural = _("governance bodies")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class BodyMembership(PeriodModel):
    """A person's seat in a body, in one role, for a period (``ended_on`` exclusive)."""

    period_fields = ("started_on", "ended_on")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    professional = models.ForeignKey(
        "organizations.Professional",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    role = models.CharField(_("role"), max_length=16, choices=BodyRole.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("body membership")
        verbose_name_plural = _("body memberships")
        ordering = ["role", "started_on"]

    def __str__(self) -> str:
        return f"{self.professional} ({self.get_role_display()})"


class BodyMeeting(models.Model):
    """A meeting of a body: when, where, the agenda, the minutes, who attended."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=120)
    location = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField(_("minutes"), blank=True)
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("body meeting")
        verbose_name_plural = _("body meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.body.name} {self.starts_at:%Y-%m-%d}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class AgendaTopic(models.Model):
    """One item on a body meeting's agenda."""

    meeting = models.ForeignKey(BodyMeeting, on_delete=models.CASCADE, related_name="topics")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("topic"), max_length=300)
    note = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("agenda topic")
        verbose_name_plural = _("agenda topics")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Document(models.Model):
    """A document uploaded for an agenda topic or a deliverable version. Stored in the database
    so that several stateless web servers share it (no local media directory)."""

    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    topic = models.ForeignKey(
        AgendaTopic, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    uploaded_by_name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class MeetingAttendance(models.Model):
    """Whether a member attended a meeting."""

    meeting = models.ForeignKey(BodyMeeting, on_delete=models.CASCADE, related_name="attendance")
    professional = models.ForeignKey(
        "organizations.Professional", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("attendance"), max_length=8, choices=Attendance.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "professional"], name="programme_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.professional} {self.get_status_display()}"


class Decision(models.Model):
    """A numbered decision of a body (besluitenlijst): number per body per year, shown as
    ``SG-2026-07``. Other records (a deliverable, a target, a KPI definition) refer to it."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(
        BodyMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("meeting"),
    )
    year = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    decided_on = models.DateField(_("decided on"))
    title = models.CharField(_("decision"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    recorded_by_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "number"], name="programme_decision_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"{self.body.code.upper()}-{self.year}-{self.number:02d}"


class ProgrammeAction(models.Model):
    """An action agreed in a body meeting: what, who, by when; on the owner's start page."""

    meeting = models.ForeignKey(BodyMeeting, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "organizations.Professional",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description
