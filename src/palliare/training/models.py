"""Courses, their sessions, registrations with a waiting list, attendance, evaluations, and the
knowledge carriers of member organisations."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.organizations.constants import Discipline

from .constants import RATINGS, CarrierKind, RegistrationStatus
from .querysets import RegistrationQuerySet, SessionQuerySet


class Course(models.Model):
    """A training the network offers (e.g. 'Gespreksvoering ACP'), given in one or more sessions."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target_disciplines = models.JSONField(
        _("target disciplines"),
        default=list,
        blank=True,
        help_text=_("Empty: open to every discipline."),
    )
    accreditation_points = models.DecimalField(
        _("accreditation points"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    cost = models.DecimalField(
        _("cost (euro)"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def target_discipline_labels(self) -> list[str]:
        labels = dict(Discipline.choices)
        return [str(labels.get(code, code)) for code in self.target_disciplines]


class Session(models.Model):
    """One occasion of a course: when, where (online or a place in a subregion), how many places."""

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    is_online = models.BooleanField(_("online"), default=False)
    online_url = models.URLField(_("online link"), blank=True)
    venue = models.CharField(_("place"), max_length=200, blank=True)
    subregion = models.ForeignKey(
        "organizations.Subregion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("subregion"),
    )
    places = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    organizer = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("organiser"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="training_session_ends_after_start",
                violation_error_message=_("The session must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} · {timezone.localtime(self.starts_at):%d-%m-%Y %H:%M}"

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()


class Registration(models.Model):
    """A professional's place (or place on the waiting list) in a session.

    Organisation, discipline and subregion are copied at registration, so the figures of a year
    stay what they were when people took part. ``attended`` is None until the organiser records
    attendance. A cancelled registration stays (with ``cancelled_at``); registering again makes a
    new row.
    """

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("session")
    )
    professional = models.ForeignKey(
        "organizations.Professional",
        on_delete=models.PROTECT,
        related_name="training_registrations",
        verbose_name=_("professional"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        related_name="training_registrations",
        verbose_name=_("organisation"),
    )
    discipline = models.CharField(_("discipline"), max_length=32, choices=Discipline.choices)
    subregion = models.ForeignKey(
        "organizations.Subregion",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("subregion"),
    )
    status = models.CharField(_("status"), max_length=16, choices=RegistrationStatus.choices)
    queued_at = models.DateTimeField(_("registered at"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved up from the waiting list at"), null=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True)
    attended = models.BooleanField(_("present"), null=True)
    attendance_recorded_at = models.DateTimeField(null=True)
    reminder_sent_at = models.DateTimeField(null=True)
    certificate_year = models.PositiveSmallIntegerField(
        _("certificate year"), null=True, editable=False
    )
    certificate_sequence = models.PositiveIntegerField(
        _("certificate sequence"), null=True, editable=False
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("training registration")
        verbose_name_plural = _("training registrations")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "professional"],
                condition=~models.Q(status=RegistrationStatus.CANCELLED),
                name="training_one_active_registration",
                violation_error_message=_("You are already registered for this session."),
            ),
            models.UniqueConstraint(
                fields=["certificate_year", "certificate_sequence"],
                name="training_unique_certificate_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional} · {self.session}"

    @property
    def certificate_number(self) -> str:
        """The certificate's registration number: the session's year and a sequence within
        that year ("2026-0007"); empty until the first certificate is printed."""
        if self.certificate_year is None or self.certificate_sequence is None:
            return ""
        return f"{self.certificate_year}-{self.certificate_sequence:04d}"


class Evaluation(models.Model):
    """A participant's short evaluation after the session (one per registration)."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="evaluation"
    )
    rating = models.PositiveSmallIntegerField(_("overall rating"), choices=RATINGS)
    usefulness = models.PositiveSmallIntegerField(_("useful for my work"), choices=RATINGS)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.registration} · {self.rating}/5"


class KnowledgeCarrier(models.Model):
    """A professional a member organisation names as knowledge carrier (kennisdrager) or link
    person (aandachtsvelder) for palliative care, for a period."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="knowledge_carriers",
        verbose_name=_("organisation"),
    )
    professional = models.ForeignKey(
        "organizations.Professional",
        on_delete=models.CASCADE,
        related_name="carrier_roles",
        verbose_name=_("professional"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=CarrierKind.choices)
    topic = models.CharField(_("field"), max_length=200, blank=True)
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("knowledge carrier")
        verbose_name_plural = _("knowledge carriers")
        ordering = ["organization__name", "professional__family_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "professional", "kind"],
                name="training_unique_carrier",
                violation_error_message=_("This person already has this role here."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.professional} ({self.get_kind_display()})"
