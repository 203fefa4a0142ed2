"""Problems (zib Problem, FHIR nl-core-Problem Condition): a diagnosis or problem of the
patient as another system recorded it, with the codes it was sent with (never rewritten).
Advance directives, ICD statements and ACP procedures refer to them as their reason.

A problem is a clinical record: a change is a new immutable version, the latest is current;
a withdrawal (FHIR ``delete``) is a version too, marked withdrawn, never an erasure."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel


class Problem(models.Model):
    """One problem of a patient, who recorded it, and its current version."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="problems"
    )
    sender_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sender_name = models.CharField(max_length=200)
    current_number = models.PositiveIntegerField(default=0)
    current_version = models.ForeignKey(
        "patients.ProblemVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["patient", "pk"]

    def __str__(self) -> str:
        return f"problem {self.pk}"

    @property
    def withdrawn(self) -> bool:
        return self.current_version is not None and self.current_version.withdrawn


class ProblemVersion(AppendOnlyModel):
    """One saved state of a problem, append-only. ``codes`` and ``categories`` hold the codings
    exactly as sent: a list of ``{"system", "code", "display"}`` (coded data, not a FHIR
    resource)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    codes = models.JSONField(_("problem name (codes)"), default=list, blank=True)
    text = models.CharField(_("problem name (text)"), max_length=500, blank=True)
    categories = models.JSONField(_("problem type (codes)"), default=list, blank=True)
    clinical_status = models.CharField(_("problem status"), max_length=20, blank=True)
    verification_status = models.CharField(_("verification status"), max_length=20, blank=True)
    onset = models.CharField(_("start"), max_length=25, blank=True)
    abatement = models.CharField(_("end"), max_length=25, blank=True)
    recorded = models.CharField(_("recorded"), max_length=25, blank=True)
    note = models.TextField(_("comment"), blank=True)
    #: A withdrawal (FHIR delete): the problem is no longer asserted; earlier versions remain.
    withdrawn = models.BooleanField(default=False)
    author_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("problem version")
        ordering = ["problem", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "number"], name="unique_problem_version")
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} v{self.number}"
