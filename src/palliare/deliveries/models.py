"""Data sets that organisations deliver and the deliveries themselves.

- A ``DataElement`` is one figure the network asks for (e.g. palliative-team consultations).
- A ``DataSet`` asks organisations of one type for a set of elements per quarter or year; its
  content lives in immutable ``DataSetVersion`` rows: changing a data set makes a new version,
  and every template and delivery names the version it was made for.
- A ``Delivery`` is one version of an organisation's figures for one period; a correction is a
  new ``Delivery`` row with the next number, so nothing is overwritten. Its values
  (``DeliveryValue``) are append-only; only its review state moves, guarded by
  ``transition_to``.
- A ``DeliveryReminder`` row makes the daily reminder idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel, AppendOnlyQuerySet
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Organization

from . import periods
from .constants import (
    TRANSITIONS,
    Channel,
    DeliveryStatus,
    PeriodType,
    ReminderKind,
    ValueType,
)
from .schema import Definition

code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,49}$",
    _("Use lowercase letters, digits and _ (start with a letter), at most 50 characters."),
)


class InvalidTransition(ValueError):
    """A delivery cannot move from its state to the one asked for."""


class DataElement(models.Model):
    """One figure organisations deliver: its code, names, value type, unit and range.

    Data set versions copy the element as it was when they were made, so changing an element
    here changes no existing version (publish a new data set version to use the change).
    """

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    value_type = models.CharField(
        _("value type"), max_length=20, choices=ValueType.choices, default=ValueType.INTEGER
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    min_value = models.DecimalField(
        _("minimum"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Empty: 0. Negative values are only allowed with a negative minimum."),
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    help_text = models.CharField(
        _("explanation"),
        max_length=500,
        blank=True,
        help_text=_("What to count, shown in the template."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    def clean(self) -> None:
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValidationError({"max_value": _("The maximum is below the minimum.")})
        if self.value_type == ValueType.PERCENTAGE and (
            self.max_value is not None and self.max_value > 100
        ):
            raise ValidationError({"max_value": _("A percentage is at most 100.")})


class DataSet(models.Model):
    """What organisations of one type deliver per period. The content (elements, required
    flags, validation rules, deadline) is in its versions; the newest version is current."""

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    organization_type = models.CharField(
        _("organisation type"), max_length=32, choices=OrganizationType.choices
    )
    period_type = models.CharField(
        _("period"), max_length=10, choices=PeriodType.choices, default=PeriodType.QUARTER
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive data sets are not asked for and not reminded of."),
    )
    first_period_start = models.DateField(
        _("asked from"),
        default=dt.date(2022, 1, 1),
        help_text=_(
            "The first day of the first period organisations deliver (the baseline starts in "
            "2022); earlier periods are not asked."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_nl"]
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    def current_version(self) -> DataSetVersion | None:
        """The newest version (from prefetched versions when they are loaded)."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("versions")
        if prefetched is not None:
            return max(prefetched, key=lambda v: v.number, default=None)
        return self.versions.order_by("-number").first()

    def asks_for(self, period: periods.Period) -> bool:
        """Whether organisations deliver this period (it is not before the first one)."""
        return period.end >= self.first_period_start


class DataSetVersion(AppendOnlyModel):
    """One immutable state of a data set: its elements (copied, with required flags), its
    validation rules and its deadline rule. Templates and deliveries name their version
    (append-only)."""

    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    deadline_days = models.PositiveIntegerField(
        _("deadline (days after the period)"),
        default=42,
        validators=[MinValueValidator(0), MaxValueValidator(366)],
    )
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["data_set", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["data_set", "number"], name="dataset_version_unique")
        ]
        verbose_name = _("data set version")
        verbose_name_plural = _("data set versions")

    def __str__(self) -> str:
        return f"{self.data_set} v{self.number}"

    @property
    def spec(self) -> Definition:
        cached: Definition | None = getattr(self, "_spec", None)
        if cached is None:
            cached = Definition.from_json(self.definition)
            self._spec = cached
        return cached


class DeliveryQuerySet(AppendOnlyQuerySet["Delivery"]):
    def for_organization(self, organization_id: int | None) -> DeliveryQuerySet:
        if organization_id is None:
            return self.none()
        return self.filter(organization_id=organization_id)

    def latest_per_period(self) -> DeliveryQuerySet:
        """Only the newest version of each (data set, organisation, period)."""
        newer = Delivery.objects.filter(
            data_set_id=models.OuterRef("data_set_id"),
            organization_id=models.OuterRef("organization_id"),
            period_start=models.OuterRef("period_start"),
            number__gt=models.OuterRef("number"),
        )
        return self.filter(~models.Exists(newer))


class Delivery(AppendOnlyModel):
    """One version of an organisation's figures for one data set and period (append-only but
    for its review).

    The values never change; a correction is a new Delivery with the next ``number``. Only the
    review moves: submitted → accepted | returned, or submitted → superseded when a newer
    version arrives before review.
    """

    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="deliveries")
    version = models.ForeignKey(DataSetVersion, on_delete=models.PROTECT, related_name="deliveries")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="deliveries"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    number = models.PositiveIntegerField(_("delivery version"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.SUBMITTED,
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.UPLOAD)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"))
    is_late = models.BooleanField(_("late"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_by_name = models.CharField(max_length=200, blank=True)
    review_comment = models.TextField(_("comment"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by_name = models.CharField(max_length=200, blank=True)

    objects = DeliveryQuerySet.as_manager()  # type: ignore[misc]  # (an AppendOnlyQuerySet)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "organization", "period_start", "number"],
                name="delivery_version_unique",
            )
        ]
        indexes = [models.Index(fields=["status", "period_start"])]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.organization} · {self.data_set} · {self.period} · v{self.number}"

    #: Only the review of a delivery moves (its state machine, TRANSITIONS).
    append_only_mutable_fields = frozenset(
        {"status", "review_comment", "reviewed_at", "reviewed_by_name"}
    )
    append_only_mutable_reason = "Only the review of a delivery changes; its figures do not."

    @property
    def period(self) -> periods.Period:
        return periods.Period(self.period_start, self.period_end, self.data_set.period_type)

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, frozenset())

    def transition_to(self, status: str) -> None:
        """Move the review state; refuses a move the state machine does not allow."""
        if not self.can_move_to(status):
            raise InvalidTransition(f"A delivery cannot go from {self.status} to {status}.")
        self.status = status


class DeliveryValue(AppendOnlyModel):
    """One element's value in one delivery version (empty for an optional element left blank;
    append-only)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="values")
    element_code = models.CharField(max_length=50)
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["delivery", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "element_code"], name="delivery_value_unique"
            )
        ]
        indexes = [models.Index(fields=["element_code"])]

    def __str__(self) -> str:
        return f"{self.element_code}={self.value}"


class DeliveryReminder(AppendOnlyModel):
    """A reminder sent to an organisation for one data set and period; the unique constraint
    makes the daily reminder run idempotent (append-only)."""

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="reminders")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "organization", "period_start", "kind"],
                name="delivery_reminder_once",
            )
        ]


__all__ = [
    "DataElement",
    "DataSet",
    "DataSetVersion",
    "Delivery",
    "DeliveryReminder",
    "DeliveryValue",
    "InvalidTransition",
]
