"""Registration of a patient's death: the data the network's KPIs are computed from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..constants import PlaceOfDeath, YesNoUnknown


class DeathRegistration(models.Model):
    """The death of a patient. Corrections are new versions; the latest is current."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="death_registrations"
    )
    version = models.PositiveIntegerField(default=1)
    date_of_death = models.DateField(_("date of death"))
    place_of_death = models.CharField(
        _("place of death"), max_length=12, choices=PlaceOfDeath.choices
    )
    place_of_death_other = models.CharField(_("other place"), max_length=200, blank=True)
    expected = models.CharField(_("death was expected"), max_length=8, choices=YesNoUnknown.choices)
    preferred_place_known = models.CharField(
        _("preferred place of death was known"), max_length=8, choices=YesNoUnknown.choices
    )
    preferred_place = models.CharField(
        _("preferred place of death"), max_length=12, choices=PlaceOfDeath.choices, blank=True
    )
    preferred_place_achieved = models.CharField(
        _("died at the preferred place"), max_length=8, choices=YesNoUnknown.choices
    )
    palliative_sedation = models.CharField(
        _("palliative sedation"), max_length=8, choices=YesNoUnknown.choices
    )
    hospital_admissions_30d = models.PositiveSmallIntegerField(
        _("hospital admissions in the last 30 days"), null=True, blank=True
    )
    emergency_visits_30d = models.PositiveSmallIntegerField(
        _("emergency department visits in the last 30 days"), null=True, blank=True
    )
    had_care_plan = models.CharField(
        _("an individual care plan existed"), max_length=8, choices=YesNoUnknown.choices
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=200)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("death registration")
        ordering = ["patient", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "version"], name="unique_death_version")
        ]
        indexes = [models.Index(fields=["date_of_death"], name="death_date")]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.date_of_death}"
