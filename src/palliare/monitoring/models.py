"""The KPI catalogue (versioned data), targets, stored results and their fill state, the
recomputation runs, CBS population context and issued reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel

from .constants import (
    AreaType,
    Direction,
    Domain,
    KpiKind,
    PeriodType,
    RunStatus,
    Source,
    Unit,
)


class KpiDefinition(models.Model):
    """A KPI's identity. Everything that defines it lives in its append-only
    :class:`KpiVersion` rows; ``current`` points at the newest."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    current = models.ForeignKey(
        "KpiVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code


class KpiVersion(AppendOnlyModel):
    """One version of a KPI's definition. Never changed after it is saved: a change to the
    definition is a new version, and every stored result names the version that made it."""

    definition = models.ForeignKey(KpiDefinition, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    number = models.CharField(_("number"), max_length=20)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    domain = models.CharField(_("domain (5 J's)"), max_length=16, choices=Domain.choices)
    kind = models.CharField(_("type"), max_length=10, choices=KpiKind.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    numerator = models.TextField(_("numerator"), blank=True)
    denominator = models.TextField(_("denominator"), blank=True)
    inclusions = models.TextField(_("inclusions"), blank=True)
    exclusions = models.TextField(_("exclusions"), blank=True)
    period = models.TextField(_("period"), blank=True)
    reference_date = models.TextField(_("reference date"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    rule = models.CharField(
        _("calculation rule in code"),
        max_length=60,
        blank=True,
        help_text=_("The registered rule (computed) or source (delivered, milestone) key."),
    )
    breakdowns = models.JSONField(_("breakdowns"), default=list, blank=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    change_note = models.CharField(_("what changed"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("KPI version")
        ordering = ["definition", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "version"], name="unique_kpi_version")
        ]

    def __str__(self) -> str:
        return f"{self.number} v{self.version}"

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


class KpiTarget(AppendOnlyModel):
    """A target the steering group set for a KPI, with the decision it rests on (append-only;
    the newest is current)."""

    definition = models.ForeignKey(KpiDefinition, on_delete=models.PROTECT, related_name="targets")
    value = models.DecimalField(_("target"), max_digits=10, decimal_places=2)
    target_date = models.DateField(_("to be reached by"))
    decision_reference = models.CharField(_("steering-group decision"), max_length=200)
    decision_date = models.DateField(_("decision date"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_by_name = models.CharField(max_length=200)
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["definition", "-set_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.definition_id}: {self.value} by {self.target_date}"


class KpiValue(models.Model):
    """One stored figure: a KPI version over an area, a period and a subgroup. Pages, charts
    and reports read these rows only; they never count the register themselves."""

    version = models.ForeignKey(KpiVersion, on_delete=models.PROTECT, related_name="values")
    area_type = models.CharField(max_length=16, choices=AreaType.choices)
    area_id = models.PositiveIntegerField()
    period_type = models.CharField(max_length=8, choices=PeriodType.choices)
    period_start = models.DateField()
    subgroup = models.CharField(max_length=60, blank=True, default="")
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    value = models.FloatField(null=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "version",
                    "area_type",
                    "area_id",
                    "period_type",
                    "period_start",
                    "subgroup",
                ],
                name="unique_kpi_value",
            )
        ]
        indexes = [
            models.Index(
                fields=["version", "period_type", "area_type", "period_start"],
                name="kpivalue_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.version_id} {self.area_type}:{self.area_id} {self.period_start}"


class FillState(models.Model):
    """How far a KPI version's values are filled (Zulip's analytics): periods up to
    ``filled_until`` minus the look-back window are final and not recomputed again."""

    version = models.OneToOneField(KpiVersion, on_delete=models.CASCADE, related_name="fill_state")
    filled_until = models.DateField(null=True)
    is_complete = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.version_id} until {self.filled_until}"


class RecomputeRun(models.Model):
    """One recomputation of the computed KPIs, with its progress for the page."""

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    full = models.BooleanField(default=False)
    total_steps = models.PositiveIntegerField(default=0)
    done_steps = models.PositiveIntegerField(default=0)
    values_written = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"run {self.pk} {self.status}"

    @property
    def percent(self) -> int:
        if not self.total_steps:
            return 100 if self.status == RunStatus.DONE else 0
        return round(100 * self.done_steps / self.total_steps)


class PopulationFigure(models.Model):
    """CBS deaths and population of a municipality in a year (reference data, public)."""

    gm_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    population = models.PositiveIntegerField()
    deaths = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gm_code", "year"], name="unique_population_figure")
        ]

    def __str__(self) -> str:
        return f"{self.gm_code} {self.year}"


class IssuedReport(models.Model):
    """A periodic regional report as issued: the PDF and XLSX stored unchanged, and the figures
    it showed, so a later recomputation that changes one of them can mark it revised."""

    period_type = models.CharField(_("period type"), max_length=8, choices=PeriodType.choices)
    period_start = models.DateField(_("period"))
    title = models.CharField(_("title"), max_length=200)
    pdf = models.BinaryField()
    xlsx = models.BinaryField()
    figures = models.JSONField(default=list)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_by_name = models.CharField(max_length=200)
    issued_at = models.DateTimeField(default=timezone.now)
    revised_at = models.DateTimeField(_("revised"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.title
