"""Capacity and quality of the region: facilities with palliative beds and their bed status
history, district-nursing services with their intake status and service area, and the regional
quality requirements with dated assessments.

Status rows (bed status, intake status, assessments) are append-only history: a change is a new
row and the current state is the newest row. ``Facility.current_status`` and
``DistrictNursingService.current_intake`` point at that newest row so that lists and searches
need no "latest row per group" subquery; only the services in ``services.py`` move them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel
from palliare.organizations.models import Location, Municipality, Organization, PostcodeArea
from palliare.organizations.validators import validate_phone

from .constants import (
    MAX_BEDS,
    MAX_WAITING_LIST,
    STALE_AFTER,
    AdmissionStatus,
    Channel,
    FacilityKind,
    IntakeStatus,
)
from .querysets import DistrictNursingQuerySet, FacilityQuerySet


class Facility(models.Model):
    """A place with palliative beds: a hospice, a palliative unit, palliative or short-stay (ELV)
    beds in a nursing home. One organisation may run several facilities.

    A later referral can point at a facility (and through it at its organisation).
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="facilities",
        verbose_name=_("organisation"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="facilities",
        verbose_name=_("location"),
        help_text=_("The address of the beds; its postcode places the facility on the map."),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the organisation's name."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=FacilityKind.choices)
    admissions_phone = models.CharField(
        _("phone for admissions"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        help_text=_("Leave empty to use the organisation's phone number."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    current_status = models.ForeignKey(
        "BedStatus",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("current bed status"),
    )
    is_demo = models.BooleanField(_("fictional demo data"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["is_active", "kind"], name="facility_active_kind")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.organization.name

    @property
    def phone(self) -> str:
        return self.admissions_phone or self.organization.phone

    def clean(self) -> None:
        if (
            self.location_id is not None
            and self.organization_id is not None
            and self.location.organization_id != self.organization_id
        ):
            raise ValidationError(
                {"location": _("Choose a location of the facility's own organisation.")}
            )

    def is_stale(self, now: dt.datetime | None = None) -> bool:
        """True when the beds were never reported or not within the last 24 hours."""
        status = self.current_status
        return status is None or status.is_stale(now)


class BedStatus(AppendOnlyModel):
    """One report of a facility's beds: who reported what, when. The newest row is the current
    state; together the rows are the occupancy history (append-only)."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="statuses", verbose_name=_("facility")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    beds = models.PositiveSmallIntegerField(_("beds"), validators=[MaxValueValidator(MAX_BEDS)])
    free_beds = models.PositiveSmallIntegerField(
        _("free beds"), validators=[MaxValueValidator(MAX_BEDS)]
    )
    admission_status = models.CharField(
        _("admission status"), max_length=20, choices=AdmissionStatus.choices
    )
    waiting_list = models.PositiveSmallIntegerField(
        _("waiting list"), default=0, validators=[MaxValueValidator(MAX_WAITING_LIST)]
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_by_name = models.CharField(_("recorded by"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("bed status")
        verbose_name_plural = _("bed status history")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["facility", "recorded_at"], name="bedstatus_facility_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(free_beds__lte=models.F("beds")),
                name="bedstatus_free_within_beds",
                violation_error_message=_("There cannot be more free beds than beds."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.free_beds}/{self.beds} {self.admission_status}"

    @property
    def occupied_beds(self) -> int:
        return self.beds - self.free_beds

    def is_stale(self, now: dt.datetime | None = None) -> bool:
        return self.recorded_at < (now or timezone.now()) - STALE_AFTER

    def clean(self) -> None:
        if self.beds is not None and self.free_beds is not None and self.free_beds > self.beds:
            raise ValidationError(
                {
                    "free_beds": _(
                        "There cannot be more free beds (%(free)s) than beds (%(beds)s)."
                    )
                    % {"free": self.free_beds, "beds": self.beds}
                }
            )


class CapacityReminder(models.Model):
    """A reminder sent to a facility whose bed status had gone stale."""

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("facility")
    )
    stale_status = models.ForeignKey(
        BedStatus,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The status that was out of date; empty when beds were never reported."),
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["facility", "sent_at"], name="reminder_facility_time")]

    def __str__(self) -> str:
        return f"{self.facility_id} @ {self.sent_at:%Y-%m-%d %H:%M}"


class DistrictNursingService(models.Model):
    """The district-nursing work of one organisation: where it works, whether it takes new
    palliative clients, and (through assessments) whether it meets the regional requirements."""

    organization = models.OneToOneField(
        Organization,
        on_delete=models.PROTECT,
        related_name="district_nursing",
        verbose_name=_("organisation"),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="+",
        verbose_name=_("municipalities served"),
    )
    postcode_areas = models.ManyToManyField(
        PostcodeArea,
        blank=True,
        related_name="+",
        verbose_name=_("postcode areas served"),
        help_text=_("In addition to whole municipalities."),
    )
    referral_phone = models.CharField(
        _("phone for referrals"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        help_text=_("Leave empty to use the organisation's phone number."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    current_intake = models.ForeignKey(
        "IntakeStatusChange",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("current intake status"),
    )
    is_demo = models.BooleanField(_("fictional demo data"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DistrictNursingQuerySet.as_manager()

    class Meta:
        verbose_name = _("district-nursing service")
        verbose_name_plural = _("district-nursing services")
        ordering = ["organization__name"]

    def __str__(self) -> str:
        return self.organization.name

    @property
    def phone(self) -> str:
        return self.referral_phone or self.organization.phone


class IntakeStatusChange(AppendOnlyModel):
    """A statement of a district-nursing organisation: from this date we take new palliative
    clients (yes / limited / no). The newest row is the current state (append-only)."""

    service = models.ForeignKey(
        DistrictNursingService,
        on_delete=models.PROTECT,
        related_name="intake_history",
        verbose_name=_("district-nursing service"),
    )
    status = models.CharField(_("new palliative clients"), max_length=10, choices=IntakeStatus)
    effective_date = models.DateField(_("as of"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by_name = models.CharField(_("recorded by"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("intake status")
        verbose_name_plural = _("intake status history")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["service", "recorded_at"], name="intake_service_time")]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.status} ({self.effective_date})"

    def is_stale(self, now: dt.datetime | None = None) -> bool:
        return self.recorded_at < (now or timezone.now()) - STALE_AFTER


class QualityRequirement(models.Model):
    """One regional quality requirement for palliative care by district nursing, maintained by
    the network coordinator. Requirements are retired (made inactive), never deleted, so old
    assessments keep their meaning."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    title = models.CharField(_("requirement"), max_length=300)
    description = models.TextField(_("explanation"), blank=True)
    evidence_hint = models.CharField(
        _("what counts as evidence"),
        max_length=300,
        blank=True,
        help_text=_("For example: the training register, the written procedure."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quality requirement")
        verbose_name_plural = _("quality requirements")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class QualityAssessment(AppendOnlyModel):
    """A dated assessment of a district-nursing service against the requirements in use
    (append-only).

    It is valid from ``assessed_on`` up to and including ``valid_until``; after that date the
    service no longer counts as meeting the requirements. This is computed from the dates when
    read, so no scheduled job is needed for an assessment to expire.
    """

    service = models.ForeignKey(
        DistrictNursingService,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("district-nursing service"),
    )
    assessed_on = models.DateField(_("assessment date"))
    valid_until = models.DateField(_("valid until"))
    assessor = models.CharField(
        _("assessed by"),
        max_length=200,
        help_text=_("Who assessed, for example the name of the audit team."),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by_name = models.CharField(_("recorded by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("quality assessment")
        verbose_name_plural = _("quality assessments")
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["service", "assessed_on"], name="assessment_service_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("assessed_on")),
                name="assessment_valid_after_date",
                violation_error_message=_("The end of validity must lie after the assessment."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.assessed_on}"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.assessed_on <= day <= self.valid_until


class QualityAssessmentItem(AppendOnlyModel):
    """Whether one requirement was met in an assessment, and the evidence seen (append-only,
    as its assessment)."""

    assessment = models.ForeignKey(
        QualityAssessment, on_delete=models.PROTECT, related_name="items"
    )
    requirement = models.ForeignKey(
        QualityRequirement, on_delete=models.PROTECT, related_name="assessment_items"
    )
    requirement_title = models.CharField(
        _("requirement"),
        max_length=300,
        help_text=_("The requirement as worded on the day of the assessment."),
    )
    met = models.BooleanField(_("met"))
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("assessed requirement")
        verbose_name_plural = _("assessed requirements")
        ordering = ["requirement__order", "requirement_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "requirement"], name="unique_assessment_requirement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement_title}: {'+' if self.met else '-'}"
