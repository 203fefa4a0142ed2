"""Referrals of a patient to a hospice, palliative unit, nursing home or district nursing, and
the receiving organisation's feedback on the care plan the patient arrived with."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel

from .constants import NEXT_STATUS, MissingItem, PlanQuality, ReferralStatus, ReferralUrgency
from .querysets import ReferralFeedbackQuerySet


class Referral(models.Model):
    """A request to take over or share the care of a patient. Every change of status is also a
    :class:`ReferralEvent`, so the course of a referral stays visible."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="referrals"
    )
    receiving_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("to"),
    )
    facility = models.ForeignKey(
        "capacity.Facility",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("facility"),
    )
    urgency = models.CharField(_("urgency"), max_length=12, choices=ReferralUrgency.choices)
    desired_date = models.DateField(_("desired date"), null=True, blank=True)
    question = models.TextField(_("reason for referral and what the patient needs"))
    referring_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_by_name = models.CharField(max_length=200)
    referrer_phone = models.CharField(_("call-back number"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["receiving_organization", "status"], name="referral_inbox"),
            models.Index(fields=["referring_organization", "status"], name="referral_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} → {self.receiving_organization_id} ({self.status})"

    @property
    def destination(self) -> str:
        """Where the patient is referred to: the organisation, and the facility only when its
        name says more (a hospice's facility is often named after the organisation)."""
        name = self.receiving_organization.name
        if self.facility is None or self.facility.display_name in ("", name):
            return name
        return f"{name} · {self.facility.display_name}"

    @property
    def is_open(self) -> bool:
        return self.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED)

    def transition_to(self, status: ReferralStatus) -> None:
        """Move to ``status``; the model refuses an order of states that makes no sense."""
        if status not in NEXT_STATUS[self.status]:
            raise ValidationError(
                _("A referral that is %(current)s cannot become %(new)s.")
                % {"current": ReferralStatus(self.status).label, "new": status.label}
            )
        now = timezone.now()
        if status in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED):
            self.responded_at = now
        if status in (ReferralStatus.DECLINED, ReferralStatus.ADMITTED, ReferralStatus.WITHDRAWN):
            self.closed_at = now
        self.status = status

    @property
    def response_hours(self) -> float | None:
        if self.responded_at is None:
            return None
        return (self.responded_at - self.created_at).total_seconds() / 3600


class ReferralEvent(AppendOnlyModel):
    """One step in the course of a referral (append-only)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=ReferralStatus.choices)
    note = models.TextField(blank=True)
    by_name = models.CharField(max_length=200)
    by_organization_name = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["referral", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.status}"


class ReferralFeedback(AppendOnlyModel):
    """What the receiving organisation found when the patient arrived: how good the care plan
    was and what was missing. Seen by the referrer and the network coordinator. Append-only: a
    later correction is a new row; the newest counts."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="feedback")
    plan_quality = models.CharField(
        _("the care plan at admission"), max_length=16, choices=PlanQuality.choices
    )
    missing = models.JSONField(_("what was missing"), default=list, blank=True)
    note = models.TextField(_("explanation for the referrer"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ReferralFeedbackQuerySet.as_manager()  # type: ignore[misc]  # (an AppendOnlyQuerySet)

    class Meta:
        verbose_name = _("feedback on a referral")
        ordering = ["referral", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.plan_quality}"

    @property
    def missing_labels(self) -> list[str]:
        return [str(MissingItem(m).label) for m in self.missing if m in MissingItem.values]
