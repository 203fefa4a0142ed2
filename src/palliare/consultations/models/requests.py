"""Consultation requests, their advice (versioned, append-only) and sent notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyError, AppendOnlyModel
from palliare.organizations.models import Organization, Professional, Subregion
from palliare.organizations.validators import validate_phone

from ..constants import (
    RESPONSE_TARGET,
    TRANSITIONS,
    AgeGroup,
    ConsultationStatus,
    DiagnosisGroup,
    Dimension,
    Urgency,
)
from ..querysets import ConsultationRequestQuerySet


class InvalidTransition(Exception):
    """A status change the request's state machine does not allow."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"cannot go from {current} to {wanted}")
        self.current = current
        self.wanted = wanted


class ConsultationRequest(models.Model):
    """A professional asks the consultation team on duty for advice.

    The request is routed when it is made: ``team`` (and the specialist and number on duty)
    are the ones the rota gave for ``subregion`` at ``created_at`` and never change. The status
    moves new → accepted → advised → closed (:meth:`transition_to` guards it); the time to
    first response (accepted_at − created_at) is stored for monitoring.
    """

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.NEW,
    )
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices)
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    question = models.TextField(_("question"))
    # The case: a registered patient, or anonymous (age group + diagnosis group only). The
    # age and diagnosis group are kept for patients too, for monitoring without patient data.
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_requests",
        verbose_name=_("patient"),
    )
    age_group = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices)
    diagnosis_group = models.CharField(
        _("diagnosis group"), max_length=32, choices=DiagnosisGroup.choices
    )
    # Routing, fixed at the moment of asking.
    subregion = models.ForeignKey(
        Subregion, on_delete=models.PROTECT, related_name="+", verbose_name=_("subregion")
    )
    team = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="consultation_requests",
        verbose_name=_("consultation team"),
    )
    on_duty_specialist = models.ForeignKey(
        Professional,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("specialist on duty"),
    )
    on_duty_phone = models.CharField(_("phone on duty"), max_length=20, blank=True)
    routed_to_next_shift = models.BooleanField(
        _("nobody was on duty when asked"),
        default=False,
        help_text=_("The rota had a gap: the request went to the next team coming on duty."),
    )
    # Who asks.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consultation_requests",
        verbose_name=_("requested by"),
    )
    requesting_organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requesting organisation"),
    )
    callback_phone = models.CharField(
        _("call back on"), max_length=20, blank=True, validators=[validate_phone]
    )
    # Timeline.
    created_at = models.DateTimeField(_("asked at"), default=timezone.now, editable=False)
    respond_by = models.DateTimeField(_("respond by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    time_to_first_response = models.DurationField(
        _("time to first response"), null=True, blank=True
    )
    first_advice_at = models.DateTimeField(_("first advice at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsultationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation request")
        verbose_name_plural = _("consultation requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["team", "status", "created_at"], name="consult_team_status"),
            models.Index(fields=["requested_by", "created_at"], name="consult_requester"),
            models.Index(fields=["patient", "status"], name="consult_patient"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True)
                | models.Q(accepted_at__gte=models.F("created_at")),
                name="consult_accepted_after_created",
            )
        ]

    def __str__(self) -> str:
        return str(_("Consultation request %(number)s") % {"number": self.pk or "—"})

    @property
    def reference(self) -> str:
        return f"C-{self.pk:05d}" if self.pk else "—"

    @staticmethod
    def respond_by_for(urgency: str, asked_at: dt.datetime) -> dt.datetime:
        return asked_at + RESPONSE_TARGET[urgency]

    @property
    def is_anonymous(self) -> bool:
        return self.patient_id is None

    @property
    def is_open(self) -> bool:
        return self.status in (ConsultationStatus.NEW, ConsultationStatus.ACCEPTED)

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        """Not yet accepted although the response target for its urgency has passed."""
        if self.status != ConsultationStatus.NEW:
            return False
        return (now or timezone.now()) > self.respond_by

    def can_transition_to(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    def transition_to(self, status: str, *, at: dt.datetime | None = None, by: Any = None) -> None:
        """Move to ``status`` and stamp its time; raise :class:`InvalidTransition` otherwise."""
        if not self.can_transition_to(status):
            raise InvalidTransition(self.status, status)
        moment = at or timezone.now()
        if status == ConsultationStatus.ACCEPTED:
            self.accepted_at = moment
            self.accepted_by = by
            self.time_to_first_response = moment - self.created_at
        elif status == ConsultationStatus.ADVISED and self.first_advice_at is None:
            self.first_advice_at = moment
        elif status == ConsultationStatus.CLOSED:
            self.closed_at = moment
            self.closed_by = by
        self.status = status


class AppendOnly(AppendOnlyError):
    """Advice is never changed or deleted: record a new version instead."""


class ConsultationAdvice(AppendOnlyModel):
    """One version of the advice on a request (append-only: versions are appended, never
    overwritten)."""

    append_only_error = AppendOnly

    request = models.ForeignKey(
        ConsultationRequest,
        on_delete=models.PROTECT,
        related_name="advice_versions",
        verbose_name=_("consultation request"),
    )
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("advice"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    author_name = models.CharField(_("author name"), max_length=200)
    author_organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("consultation advice")
        verbose_name_plural = _("consultation advice")
        ordering = ["request", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["request", "version"], name="unique_advice_version")
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} v{self.version}"


class SentNotification(models.Model):
    """A notification that was sent, so a retried task does not send it twice."""

    key = models.CharField(max_length=100, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sent notification")
        verbose_name_plural = _("sent notifications")

    def __str__(self) -> str:
        return self.key
