"""Informal caregivers with their burden over time, and terminal-care volunteers."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.organizations.validators import validate_phone

from ..constants import BURDEN_OVERLOADED_FROM, VolunteerStatus


class InformalCaregiver(models.Model):
    """A relative or friend who cares for the patient (mantelzorger)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="caregivers"
    )
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation to the patient"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    lives_with_patient = models.BooleanField(_("lives with the patient"), default=False)
    is_active = models.BooleanField(_("still caring"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("informal caregiver")
        verbose_name_plural = _("informal caregivers")
        ordering = ["patient", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class BurdenCheck(models.Model):
    """A regular check of how heavy caring is for the caregiver (0 = light, 10 = cannot go on)."""

    caregiver = models.ForeignKey(
        InformalCaregiver, on_delete=models.CASCADE, related_name="burden_checks"
    )
    checked_on = models.DateField(_("date"), default=timezone.localdate)
    score = models.PositiveSmallIntegerField(
        _("burden (0 = light, 10 = cannot go on)"),
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_by_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["caregiver", "-checked_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.caregiver_id} {self.checked_on}: {self.score}"

    @property
    def is_overloaded(self) -> bool:
        return self.score >= BURDEN_OVERLOADED_FROM


class VolunteerDeployment(models.Model):
    """One step in the deployment of terminal-care volunteers (VPTZ): discussed, requested,
    active, ended or declined. Each step is a new row; the latest row is the current state."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="volunteer_steps"
    )
    status = models.CharField(_("status"), max_length=12, choices=VolunteerStatus.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("volunteer organisation"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    #: The steps that may follow each state (None: nothing recorded yet). A request goes to a
    #: volunteer organisation, which accepts or declines it; an accepted deployment becomes
    #: active and ends. After a decline or an end a new request may be made.
    NEXT_STEPS: ClassVar[dict[str | None, frozenset[str]]] = {
        None: frozenset({VolunteerStatus.DISCUSSED, VolunteerStatus.REQUESTED}),
        VolunteerStatus.DISCUSSED: frozenset(
            {VolunteerStatus.DISCUSSED, VolunteerStatus.REQUESTED}
        ),
        VolunteerStatus.REQUESTED: frozenset({VolunteerStatus.ACCEPTED, VolunteerStatus.DECLINED}),
        VolunteerStatus.ACCEPTED: frozenset({VolunteerStatus.ACTIVE, VolunteerStatus.ENDED}),
        VolunteerStatus.ACTIVE: frozenset({VolunteerStatus.ENDED}),
        VolunteerStatus.DECLINED: frozenset({VolunteerStatus.DISCUSSED, VolunteerStatus.REQUESTED}),
        VolunteerStatus.ENDED: frozenset({VolunteerStatus.DISCUSSED, VolunteerStatus.REQUESTED}),
    }
    #: The steps only the requested volunteer organisation records.
    ORGANISATION_STEPS: ClassVar[frozenset[str]] = frozenset(
        {
            VolunteerStatus.ACCEPTED,
            VolunteerStatus.DECLINED,
            VolunteerStatus.ACTIVE,
            VolunteerStatus.ENDED,
        }
    )

    class Meta:
        ordering = ["patient", "-created_at"]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.status}"

    @classmethod
    def check_step(cls, previous: str | None, status: str) -> None:
        """Refuse a step that may not follow ``previous`` (a clear Dutch message)."""
        if status not in cls.NEXT_STEPS.get(previous, frozenset()):
            raise ValidationError(
                _("“%(step)s” cannot follow “%(previous)s” in the deployment of volunteers.")
                % {
                    "step": VolunteerStatus(status).label,
                    "previous": VolunteerStatus(previous).label if previous else _("nothing yet"),
                },
                code="volunteer_step",
            )
