"""The agenda of a meeting: a snapshot of the register taken when the meeting is prepared."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AgendaItem(models.Model):
    """One patient on the agenda, in a section (newly marked, urgent, …). ``reasons`` lists
    every section the patient qualified for; ``detail`` holds the register data at the time
    of the snapshot (urgency, marking date, open signals, date and place of death).

    Items the coordinator removes stay as removed rows, so refreshing the agenda does not put
    them back. ``minutes_version`` is the number of the current minutes version (0: none)."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="agenda_items"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="agenda_items"
    )
    section = models.CharField(_("section"), max_length=32)
    reasons = models.JSONField(default=list)
    detail = models.JSONField(default=dict)
    position = models.PositiveIntegerField(default=0)
    is_manual = models.BooleanField(_("added by hand"), default=False)
    added_by_name = models.CharField(max_length=200, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by_name = models.CharField(max_length=200, blank=True)
    minutes_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "patient"], name="agenda_patient_once")
        ]
        indexes = [models.Index(fields=["patient", "meeting"], name="agenda_patient")]

    def __str__(self) -> str:
        return f"{self.meeting_id} #{self.position} {self.patient_id}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_after_death_review(self) -> bool:
        return "deceased" in (self.reasons or []) or bool(self.detail.get("date_of_death"))
