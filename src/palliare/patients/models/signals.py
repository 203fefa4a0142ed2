"""Signals: observations sent to the GP practice by anyone around the patient."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..constants import Dimension, SignalStatus, SignalSuggestion

_NEXT = {
    SignalStatus.NEW: {SignalStatus.ACKNOWLEDGED, SignalStatus.HANDLED},
    SignalStatus.ACKNOWLEDGED: {SignalStatus.HANDLED},
    SignalStatus.HANDLED: set(),
}


class Signal(models.Model):
    """An observation about a patient for the GP/POH, with the sender's suggestion. The GP
    practice moves it new → acknowledged → handled; the sender sees what happened."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="signals"
    )
    recipient = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="received_signals"
    )
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    observation = models.TextField(_("what you observed"))
    suggestion = models.CharField(
        _("what you suggest"), max_length=24, choices=SignalSuggestion.choices
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sent_signals"
    )
    sender_name = models.CharField(max_length=200)
    sender_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    sender_role = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=SignalStatus.choices, default=SignalStatus.NEW
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by_name = models.CharField(max_length=200, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by_name = models.CharField(max_length=200, blank=True)
    response = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "status", "created_at"], name="signal_inbox"),
            models.Index(fields=["patient", "status"], name="signal_patient_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_suggestion_display()} ({self.created_at:%Y-%m-%d})"

    def transition_to(self, status: SignalStatus, *, by_name: str, response: str = "") -> None:
        """Move to ``status``; the model guards the order of states."""
        current = SignalStatus(self.status)
        if status not in _NEXT[current]:
            raise ValidationError(
                _("A signal that is %(current)s cannot become %(new)s.")
                % {"current": current.label, "new": status.label}
            )
        now = timezone.now()
        if status == SignalStatus.ACKNOWLEDGED:
            self.acknowledged_at, self.acknowledged_by_name = now, by_name
        if status == SignalStatus.HANDLED:
            if self.acknowledged_at is None:
                self.acknowledged_at, self.acknowledged_by_name = now, by_name
            self.handled_at, self.handled_by_name = now, by_name
        if response:
            self.response = response
        self.status = status

    @property
    def is_open(self) -> bool:
        return self.status != SignalStatus.HANDLED
