"""The care team: who is involved, the one central contact and the lead practitioner."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..constants import CareTeamRole


class CareTeamMemberQuerySet(models.QuerySet["CareTeamMember"]):
    def current(self) -> CareTeamMemberQuerySet:
        return self.filter(ended_at__isnull=True)


class CareTeamMember(models.Model):
    """A professional (or an organisation, when no person is named yet) in a patient's care
    team, for a period. Changes end a row and start a new one, so the history stays."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="care_team"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="care_team_memberships",
        verbose_name=_("organisation"),
    )
    professional = models.ForeignKey(
        "organizations.Professional",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="care_team_memberships",
        verbose_name=_("professional"),
    )
    role = models.CharField(_("role"), max_length=32, choices=CareTeamRole.choices)
    is_central_contact = models.BooleanField(_("central contact"), default=False)
    is_lead_practitioner = models.BooleanField(_("lead practitioner"), default=False)
    phone = models.CharField(_("phone for this patient"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_by_name = models.CharField(max_length=200, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by_name = models.CharField(max_length=200, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)

    objects = CareTeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("care-team member")
        verbose_name_plural = _("care team")
        ordering = ["patient", "-is_central_contact", "-is_lead_practitioner", "started_at"]
        indexes = [
            models.Index(fields=["organization", "ended_at"], name="careteam_org_current"),
            models.Index(fields=["patient", "ended_at"], name="careteam_patient_current"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(is_central_contact=True, ended_at__isnull=True),
                name="one_central_contact",
                violation_error_message=_("This patient already has a central contact."),
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(is_lead_practitioner=True, ended_at__isnull=True),
                name="one_lead_practitioner",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.professional is not None:
            return f"{self.professional.full_name} ({self.organization.name})"
        return self.organization.name

    @property
    def contact_phone(self) -> str:
        if self.phone:
            return self.phone
        if self.professional is not None and self.professional.phone:
            return self.professional.phone
        return self.organization.phone
