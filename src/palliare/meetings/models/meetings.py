"""Meetings of a core team (PaTz group or MDO) and who attends them."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..constants import DEFAULT_DURATION_MINUTES, AttendanceMode, MeetingKind, MeetingStatus
from ..querysets import MeetingQuerySet
from ..validators import validate_meeting_start


class Meeting(models.Model):
    """One meeting: when and where, who attends, the agenda snapshot and the minutes.

    The status moves planned → held (or cancelled). ``version`` guards concurrent edits of the
    meeting's details; ``sequence`` is the iCalendar revision number sent to calendars.
    """

    core_team = models.ForeignKey(
        "meetings.CoreTeam",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("core team"),
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=MeetingKind.choices, default=MeetingKind.PATZ
    )
    starts_at = models.DateTimeField(_("starts at"), validators=[validate_meeting_start])
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=DEFAULT_DURATION_MINUTES,
        validators=[MinValueValidator(10), MaxValueValidator(480)],
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    note = models.TextField(
        _("note for the attendees"),
        blank=True,
        help_text=_("Shown in the invitation. Do not write patient details here."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    agenda_prepared_at = models.DateTimeField(_("agenda prepared at"), null=True, blank=True)
    agenda_prepared_by_name = models.CharField(max_length=200, blank=True)
    agenda_since = models.DateField(
        _("agenda looks back to"),
        null=True,
        blank=True,
        help_text=_("The start of the period for newly marked and recently deceased patients."),
    )
    agenda_reordered = models.BooleanField(default=False)
    held_at = models.DateTimeField(null=True, blank=True)
    held_by_name = models.CharField(max_length=200, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["core_team", "starts_at"], name="meeting_team_start"),
            models.Index(fields=["status", "starts_at"], name="meeting_status_start"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.get_kind_display()} {local:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def needs_outcome(self) -> bool:
        """Still "planned" although it has ended: to be recorded as held or cancelled."""
        return self.status == MeetingStatus.PLANNED and self.ends_at < timezone.now()

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    @property
    def agenda_prepared(self) -> bool:
        return self.agenda_prepared_at is not None


class Attendee(models.Model):
    """Someone invited to a meeting: a core-team member or an invited guest (a palliative care
    specialist joining remotely, a hospital nurse for one patient). Whether they join in person
    or remotely is planned; whether they attended is recorded once the meeting is held."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    professional = models.ForeignKey(
        "organizations.Professional",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_attendances",
        verbose_name=_("professional"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    mode = models.CharField(
        _("joins"), max_length=12, choices=AttendanceMode.choices, default=AttendanceMode.IN_PERSON
    )
    is_core_team_member = models.BooleanField(_("core-team member"), default=False)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    added_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["meeting", "-is_core_team_member", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "professional"],
                condition=models.Q(professional__isnull=False),
                name="attendee_once_per_meeting",
                violation_error_message=_("This person is already invited."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
