"""The annual report: a draft with the coordinator's narrative, assembled from the year's data
when viewed or issued; issued versions are kept unchanged (PDF and DOCX bytes)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel


class AnnualReport(models.Model):
    """The draft annual report of a year: the narrative sections the coordinator writes."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)
    updated_by_name = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class IssuedReport(AppendOnlyModel):
    """An issued annual report: never changed afterwards (a later issue is a new row)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="issued")
    number = models.PositiveSmallIntegerField()
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by_name = models.CharField(max_length=200)
    pdf = models.BinaryField()
    docx = models.BinaryField()

    class Meta:
        verbose_name = _("issued annual report")
        verbose_name_plural = _("issued annual reports")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="programme_issue_number")
        ]

    def __str__(self) -> str:
        return f"{self.report.year} #{self.number}"
