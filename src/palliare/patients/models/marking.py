"""Marking of the palliative phase, indicator screenings and the PaTz urgency colour."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel

from ..constants import DiagnosisGroup, SpictDisease, SpictGeneral, SurpriseAnswer, Urgency

_SPICT_LABELS = {**dict(SpictGeneral.choices), **dict(SpictDisease.choices)}


class _Indicators(models.Model):
    """The surprise questions and SPICT-NL indicators (shared by marking and screening)."""

    surprise_question = models.CharField(
        _("Would you be surprised if this patient died within the next 12 months?"),
        max_length=10,
        choices=SurpriseAnswer.choices,
        default=SurpriseAnswer.NOT_ASKED,
    )
    double_surprise_question = models.CharField(
        _("Would you be surprised if this patient were still alive in 12 months?"),
        max_length=10,
        choices=SurpriseAnswer.choices,
        default=SurpriseAnswer.NOT_ASKED,
    )
    spict_general = models.JSONField(_("SPICT-NL general indicators"), default=list, blank=True)
    spict_disease = models.JSONField(
        _("SPICT-NL disease-specific indicators"), default=list, blank=True
    )

    class Meta:
        abstract = True

    @property
    def spict_labels(self) -> list[str]:
        """The SPICT-NL indicators ticked, in words (general first, then disease-specific)."""
        codes = [*(self.spict_general or []), *(self.spict_disease or [])]
        return [str(_SPICT_LABELS.get(code, code)) for code in codes]

    @property
    def spict_text(self) -> str:
        """The indicators as one line for the timeline ("SPICT-NL: a; b"), or empty."""
        labels = self.spict_labels
        return f"SPICT-NL: {'; '.join(labels)}" if labels else ""


class Marking(_Indicators):
    """The palliative phase marked by a GP or medical specialist. Un-marking (with a reason) is
    recorded on the row once; marking again later is a new row."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="markings"
    )
    marked_on = models.DateField(_("date of marking"))
    diagnosis_group = models.CharField(
        _("diagnosis group"), max_length=20, choices=DiagnosisGroup.choices
    )
    diagnosis = models.CharField(_("life-limiting diagnosis"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_by_name = models.CharField(max_length=200)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_on = models.DateField(_("un-marked on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for un-marking"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("marking")
        verbose_name_plural = _("markings")
        ordering = ["patient", "-marked_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(ended_at__isnull=True),
                name="one_active_marking",
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.marked_on}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class IndicatorScreening(AppendOnlyModel, _Indicators):
    """Indicators recorded without (yet) marking: they put the patient on the "consider
    marking" worklist of the GP practice (append-only)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="screenings"
    )
    screened_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    screened_by_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("indicator screening")
        ordering = ["patient", "-screened_on"]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.screened_on}"

    @property
    def has_indicators(self) -> bool:
        return bool(self.spict_general or self.spict_disease or self.surprise_question == "no")


class UrgencyAssessment(AppendOnlyModel):
    """The PaTz colour code for urgency and complexity, as assessed on a day (append-only)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="urgency_assessments"
    )
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices)
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=500, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_by_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["patient", "-created_at"]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.urgency}"
