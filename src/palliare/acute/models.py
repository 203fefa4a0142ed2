"""Emergency access ("break the glass") and the privacy officer's review of it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel

from .constants import EmergencyReason, ReviewConclusion

_ZERO = dt.timedelta(0)


class EmergencyAccessQuerySet(models.QuerySet["EmergencyAccess"]):
    def active(self) -> EmergencyAccessQuerySet:
        return self.filter(expires_at__gt=timezone.now())

    def unreviewed(self) -> EmergencyAccessQuerySet:
        return self.filter(review__isnull=True)

    def practice_not_told(self) -> EmergencyAccessQuerySet:
        return self.filter(practice_notified_at__isnull=True)


class EmergencyAccess(models.Model):
    """A professional without consent or care relationship opened a patient's acute summary,
    giving a reason. Valid for a limited time, for that user in that organisation only."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="emergency_accesses"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    user_name = models.CharField(_("professional"), max_length=200)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    organization_name = models.CharField(_("organisation"), max_length=200)
    role = models.CharField(_("role"), max_length=64)
    reason_code = models.CharField(_("reason"), max_length=24, choices=EmergencyReason.choices)
    reason = models.TextField(_("explanation"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    expires_at = models.DateTimeField(_("ends"))
    #: When the patient's lead practitioner and GP practice were told (the next working day).
    practice_notified_at = models.DateTimeField(
        _("practice notified"), null=True, blank=True, editable=False
    )

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["patient", "user", "expires_at"], name="emergency_active"),
        ]

    def __str__(self) -> str:
        return f"{self.user_name} → {self.patient_id} ({self.started_at:%Y-%m-%d %H:%M})"

    @property
    def role_label(self) -> str:
        """The role in words (a built-in role's translated name), never its code."""
        from palliare.accounts.models import Role

        return Role.label_for(self.role)

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()

    @property
    def remaining(self) -> dt.timedelta:
        return max(self.expires_at - timezone.now(), _ZERO)

    @property
    def remaining_minutes(self) -> int:
        return int(self.remaining.total_seconds() // 60)


class EmergencyAccessReview(AppendOnlyModel):
    """The privacy officer's conclusion about one emergency access (once; append-only)."""

    access = models.OneToOneField(EmergencyAccess, on_delete=models.CASCADE, related_name="review")
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=ReviewConclusion.choices)
    note = models.TextField(_("note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by_name = models.CharField(max_length=200)
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review of emergency access")

    def __str__(self) -> str:
        return f"{self.access_id}: {self.conclusion}"
