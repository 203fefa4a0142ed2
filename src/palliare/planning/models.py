"""Capacity-planning scenarios with their versioned parameters, and the register of palliative
care specialists with their expected departure year. No patient data."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel
from palliare.organizations.models import Organization, Professional, Region, Subregion

from .constants import Qualification


class Scenario(models.Model):
    """A named set of assumptions ("Basis", "Vergrijzing hoog"). What it assumes lives in its
    :class:`ScenarioVersion` rows (never changed); ``current`` points at the newest."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)
    current = models.ForeignKey(
        "ScenarioVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unique_scenario_name")
        ]

    def __str__(self) -> str:
        return self.name


class ScenarioVersion(AppendOnlyModel):
    """One version of a scenario's parameters: every value with its source text, who set it
    and why. Never changed after it is saved; a change is a new version."""

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    #: Parameter key → value as text (``parameters.PARAMETERS``).
    values = models.JSONField(default=dict)
    #: Parameter key → where the value comes from.
    sources = models.JSONField(default=dict)
    change_note = models.CharField(_("what changed"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("scenario version")
        ordering = ["scenario", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "version"], name="unique_scenario_version")
        ]

    def __str__(self) -> str:
        return f"{self.scenario_id} v{self.version}"


class Specialist(models.Model):
    """A palliative care specialist (specialist PZ) the network counts on, in a subregion or
    region-wide, with the year they are expected to leave (retirement). Kept by the network
    coordinator; only an expected year, never a date of birth."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    subregion = models.ForeignKey(
        Subregion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subregion"),
        help_text=_("Empty: works region-wide (for example out of hours only)."),
    )
    name = models.CharField(_("name"), max_length=200)
    professional = models.ForeignKey(
        Professional,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("in the directory"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    qualification = models.CharField(
        _("qualification"), max_length=24, choices=Qualification.choices
    )
    expected_departure_year = models.PositiveSmallIntegerField(
        _("expected departure year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_(
            "The year the specialist is expected to stop (retirement or otherwise), as agreed "
            "with them. Empty when not known."
        ),
    )
    is_active = models.BooleanField(_("counted"), default=True)
    is_demo = models.BooleanField(default=False, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("palliative care specialist")
        verbose_name_plural = _("palliative care specialists")
        ordering = ["subregion__name", "name", "pk"]

    def __str__(self) -> str:
        return self.name
