"""The transformation plan: action lines, their assignment per phase, deliverables with
append-only versions, and the milestone KPIs computed from the deliverables."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel

from ..constants import DeliverableStatus, Phase


class ActionLine(models.Model):
    """An action line of the transformation plan (workbook v2.2), e.g. "1.4 Acute zorg"."""

    code = models.CharField(_("number"), max_length=10, unique=True)
    title = models.CharField(_("title"), max_length=200)
    principles = models.TextField(_("principles"), blank=True)
    participating_parties = models.TextField(_("participating parties"), blank=True)
    project_leader = models.CharField(_("project leader"), max_length=200, blank=True)
    working_group = models.ForeignKey(
        "programme.Body",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_lines",
        verbose_name=_("working group"),
    )
    interfaces = models.TextField(_("interfaces with running projects"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class PhaseAssignment(models.Model):
    """What an action line must deliver in one phase ("Opdracht"), and whether per subregion."""

    action_line = models.ForeignKey(
        ActionLine, on_delete=models.CASCADE, related_name="assignments"
    )
    phase = models.CharField(_("phase"), max_length=24, choices=Phase.choices)
    assignment = models.TextField(_("assignment"))
    per_subregion = models.BooleanField(_("per subregion"), default=False)
    not_applicable = models.BooleanField(_("not applicable"), default=False)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["action_line", "phase"], name="programme_assignment_once_per_phase"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_line.code} {self.get_phase_display()}"


class Deliverable(models.Model):
    """Something an action line delivers in a phase (for one subregion where the phase asks for
    it). Its text lives in append-only versions; ``current_version`` guards concurrent edits.
    It is adopted only through a decision."""

    action_line = models.ForeignKey(
        ActionLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliverables",
        verbose_name=_("action line"),
    )
    phase = models.CharField(_("phase"), max_length=24, choices=Phase.choices)
    subregion = models.ForeignKey(
        "organizations.Subregion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subregion"),
    )
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DeliverableStatus.choices,
        default=DeliverableStatus.CONCEPT,
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    decision = models.ForeignKey(
        "programme.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_deliverables",
        verbose_name=_("adopted by decision"),
    )
    current_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("starts_on")),
                name="programme_deliverable_due_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="adopted") | models.Q(decision__isnull=False),
                name="programme_adopted_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DeliverableVersion(AppendOnlyModel):
    """One saved text of a deliverable; never changed after it is written."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(_("text"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deliverable version")
        verbose_name_plural = _("deliverable versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "number"], name="programme_deliverable_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deliverable.title} v{self.number}"


class MilestoneKpi(models.Model):
    """An effort KPI of the transformation plan reached when every deliverable of a phase is
    adopted (KPI 3 the workbook, KPI 7 the frameworks, KPI 16 the subregional plans, KPI 29
    evaluation and embedding). Its status is computed, never typed."""

    number = models.PositiveSmallIntegerField(_("KPI number"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    phase = models.CharField(_("phase"), max_length=24, choices=Phase.choices, unique=True)
    due_on = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("milestone KPI")
        verbose_name_plural = _("milestone KPIs")
        ordering = ["due_on", "number"]

    def __str__(self) -> str:
        return f"KPI {self.number} {self.title}"
