"""Minutes per patient discussed (append-only versions) and the action items agreed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel
from palliare.patients.constants import Dimension, PlaceOfDeath, YesNoUnknown

from ..constants import ActionEventKind
from ..querysets import ActionItemQuerySet


class MinutesVersion(AppendOnlyModel):
    """One saved state of the minutes about one patient discussed in a meeting (append-only):
    saving again adds version n + 1, so nothing written is lost, and a save based on an older
    version is refused (someone else saved in between)."""

    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.CASCADE, related_name="minutes_versions"
    )
    version = models.PositiveIntegerField()
    physical = models.TextField(_("physical"), blank=True)
    psychological = models.TextField(_("psychological"), blank=True)
    social = models.TextField(_("social"), blank=True)
    spiritual = models.TextField(_("spiritual"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    # After-death analysis (for patients who died since the previous meeting).
    review_went_well = models.TextField(_("what went well"), blank=True)
    review_to_improve = models.TextField(_("what could have gone better"), blank=True)
    review_preferred_place = models.CharField(
        _("preferred place of death, as the team knew it"),
        max_length=12,
        choices=PlaceOfDeath.choices,
        blank=True,
    )
    review_place_matched = models.CharField(
        _("died at the preferred place"), max_length=8, choices=YesNoUnknown.choices, blank=True
    )
    review_place_comment = models.TextField(_("place of death compared to the wish"), blank=True)
    review_lessons = models.TextField(_("lessons for the team"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    #: The fields that make up the minutes, in the order they are shown.
    DIMENSION_FIELDS = tuple(d.value for d in Dimension)
    REVIEW_FIELDS = (
        "review_went_well",
        "review_to_improve",
        "review_preferred_place",
        "review_place_matched",
        "review_place_comment",
        "review_lessons",
    )
    CONTENT_FIELDS = (*DIMENSION_FIELDS, "decisions", *REVIEW_FIELDS)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering = ["agenda_item", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "version"], name="minutes_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agenda_item_id} v{self.version}"

    def content(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}

    @property
    def has_review(self) -> bool:
        return any(getattr(self, name) for name in self.REVIEW_FIELDS)


class ActionItem(models.Model):
    """Something agreed about a patient in a meeting, for an owner (a professional, and/or the
    organisation acting on it) by a due date. It stays on the owner's start page until done;
    every done/reopen step is kept in :class:`ActionItemEvent`."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="action_items"
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.CASCADE, related_name="action_items"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="meeting_actions"
    )
    description = models.CharField(_("what needs to be done"), max_length=500)
    dimension = models.CharField(
        _("dimension"), max_length=16, choices=Dimension.choices, blank=True
    )
    owner = models.ForeignKey(
        "organizations.Professional",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_actions",
        verbose_name=_("owner"),
    )
    owner_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    due_on = models.DateField(_("due date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_by_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by_name = models.CharField(max_length=200, blank=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["owner", "done_at", "due_on"], name="action_owner_open"),
            models.Index(
                fields=["owner_organization", "done_at", "due_on"], name="action_org_open"
            ),
            models.Index(fields=["patient", "done_at"], name="action_patient_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False)
                | models.Q(owner_organization__isnull=False),
                name="action_has_owner",
                violation_error_message=_("Choose who will do this."),
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue_on(self, day: dt.date) -> bool:
        return self.done_at is None and self.due_on < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def owner_label(self) -> str:
        if self.owner is not None and self.owner_organization is not None:
            return f"{self.owner.full_name} ({self.owner_organization.name})"
        if self.owner is not None:
            return self.owner.full_name
        return self.owner_organization.name if self.owner_organization else ""


class ActionItemEvent(AppendOnlyModel):
    """One step of an action item: created, done, reopened — who and when (append-only)."""

    action_item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=ActionEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_name = models.CharField(max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["action_item", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.action_item_id} {self.kind}"
