"""Explicit, specified consent to share the patient's data."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..constants import ConsentGivenBy, ConsentScope


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self, on: dt.date | None = None) -> ConsentQuerySet:
        """Consent given on or before today (or ``on``) and not withdrawn (withdrawal is
        effective immediately)."""
        today = on or timezone.localdate()
        return self.filter(given_on__lte=today, withdrawn_at__isnull=True)


class Consent(models.Model):
    """One consent, for one scope. Withdrawal is recorded on the row (once); consent given again
    later is a new row, so the history of consent stays complete."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="consents"
    )
    scope = models.CharField(_("consent for"), max_length=20, choices=ConsentScope.choices)
    given_on = models.DateField(_("given on"))
    given_by = models.CharField(
        _("given by"), max_length=24, choices=ConsentGivenBy.choices, default=ConsentGivenBy.PATIENT
    )
    representative_name = models.CharField(
        _("name of the legal representative"), max_length=200, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_note = models.TextField(_("reason for withdrawal"), blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["patient", "-recorded_at"]
        indexes = [models.Index(fields=["patient", "scope"], name="consent_patient_scope")]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "scope"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_open_consent_per_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.given_on})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None and self.given_on <= timezone.localdate()
