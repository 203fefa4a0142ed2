"""The individual care plan (ACP): one plan per patient, immutable dated versions, and the
drafts of editors whose save lost a race (kept so nothing is lost)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel

from .constants import OPEN_GOAL_STATUSES, DraftStatus, GoalStatus
from .querysets import CarePlanQuerySet, CarePlanVersionQuerySet, GoalAssignmentQuerySet

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone


def new_identifier() -> str:
    """A plan identifier like ``IZP-7KQ3-M9TX``: printed on the copy at home, in the QR code."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"IZP-{body[:4]}-{body[4:]}"


class CarePlan(models.Model):
    """The individual care plan of one patient. Its content lives in versions; this row points
    at the current one and keeps what lists need (number, review date) without reading it."""

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.CASCADE, related_name="care_plan"
    )
    identifier = models.CharField(
        _("plan identifier"), max_length=20, unique=True, default=new_identifier, editable=False
    )
    current_number = models.PositiveIntegerField(_("current version"), default=0)
    current_version = models.ForeignKey(
        "careplans.CarePlanVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_due_on = models.DateField(_("review date"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CarePlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        indexes = [models.Index(fields=["review_due_on"], name="careplan_review_due")]

    def __str__(self) -> str:
        return self.identifier


class CarePlanVersion(AppendOnlyModel):
    """One saved state of a care plan (append-only): number, version date, author, content.

    ``content`` follows ``careplans.content`` and stores the ACP standard's codes. A few values
    are copied into columns for queries (the resuscitation decision, the preferred place of
    death, the review date)."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    based_on = models.PositiveIntegerField(_("based on version"), default=0)
    content = models.JSONField(_("content"))
    changed_fields = models.JSONField(default=list)
    note = models.CharField(_("what changed, in a few words"), max_length=500, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    resuscitation = models.CharField(max_length=8, blank=True)
    preferred_place_of_death = models.CharField(max_length=16, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200)
    author_organization_name = models.CharField(max_length=200, blank=True)
    author_role = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("version date"), default=timezone.now)

    objects = CarePlanVersionQuerySet.as_manager()  # type: ignore[misc]  # (an AppendOnlyQuerySet)

    class Meta:
        verbose_name = _("care-plan version")
        verbose_name_plural = _("care-plan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_careplan_version")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class CarePlanDraft(models.Model):
    """What an editor tried to save on top of a version that was no longer current. It is kept
    until the editor takes it up in a new version or discards it: a lost race loses nothing."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="drafts")
    based_on = models.PositiveIntegerField(_("based on version"))
    conflicting_number = models.PositiveIntegerField(_("current version at the time"))
    content = models.JSONField(_("content"))
    note = models.CharField(max_length=500, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=DraftStatus.choices, default=DraftStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("care-plan draft")
        ordering = ["plan", "-created_at"]
        indexes = [models.Index(fields=["plan", "author", "status"], name="careplan_draft_open")]

    def __str__(self) -> str:
        return f"{self.plan_id} draft on v{self.based_on}"


class GoalAssignment(models.Model):
    """One goal of a plan's current version, indexed by who is responsible for it, so the owner
    has a list and is told. Derived: rebuilt with every version (:mod:`.goals`); the version's
    content stays the record, and a change of status by the owner is a new version."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goal_assignments")
    version_number = models.PositiveIntegerField(_("version"))
    position = models.PositiveSmallIntegerField()
    dimension = models.CharField(_("dimension"), max_length=32, blank=True)
    goal = models.TextField(_("goal"))
    action = models.TextField(_("action"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=GoalStatus.choices)
    responsible = models.ForeignKey(
        "patients.CareTeamMember", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    responsible_name = models.CharField(max_length=200, blank=True)
    professional = models.ForeignKey(
        "organizations.Professional", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = GoalAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("care-plan goal of a responsible person")
        verbose_name_plural = _("care-plan goals of responsible persons")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="unique_goal_position")
        ]
        indexes = [models.Index(fields=["professional", "status"], name="goal_owner_status")]

    def __str__(self) -> str:
        return self.goal[:80]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_GOAL_STATUSES

    @property
    def dimension_label(self) -> str:
        from palliare.patients.constants import Dimension

        return str(Dimension(self.dimension).label) if self.dimension in Dimension.values else ""
