"""Core teams (kernteams): a GP practice with district nurses and others, and a coordinator."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.patients.constants import CareTeamRole

from ..constants import DEFAULT_DURATION_MINUTES, MeetingKind
from ..querysets import CoreTeamMemberQuerySet, CoreTeamQuerySet


class CoreTeam(models.Model):
    """The professionals around one or more GP practices who discuss the practices' palliative
    patients together (PaTz group or MDO). The GP practices are the members whose organisation
    is a GP practice; their people with ``MANAGE_MEETINGS`` maintain the team."""

    name = models.CharField(_("name"), max_length=200)
    coordinator = models.ForeignKey(
        "organizations.Professional",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_core_teams",
        verbose_name=_("coordinator"),
    )
    default_kind = models.CharField(
        _("usual kind of meeting"),
        max_length=8,
        choices=MeetingKind.choices,
        default=MeetingKind.PATZ,
    )
    default_location = models.CharField(_("usual place"), max_length=200, blank=True)
    default_online_url = models.URLField(_("usual online link"), blank=True)
    default_duration_minutes = models.PositiveSmallIntegerField(
        _("usual duration (minutes)"), default=DEFAULT_DURATION_MINUTES
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CoreTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("core team")
        verbose_name_plural = _("core teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CoreTeamMember(models.Model):
    """An organisation, or a named professional of it, in a core team for a period. Leaving
    ends the row; the history stays."""

    core_team = models.ForeignKey(CoreTeam, on_delete=models.CASCADE, related_name="members")
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="core_team_memberships",
        verbose_name=_("organisation"),
    )
    professional = models.ForeignKey(
        "organizations.Professional",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="core_team_memberships",
        verbose_name=_("professional"),
        help_text=_("Leave empty to make the whole organisation a member."),
    )
    role = models.CharField(_("role"), max_length=32, choices=CareTeamRole.choices)
    started_on = models.DateField(_("member since"), default=timezone.localdate)
    added_by_name = models.CharField(max_length=200, blank=True)
    ended_on = models.DateField(_("member until"), null=True, blank=True)
    ended_by_name = models.CharField(max_length=200, blank=True)

    objects = CoreTeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("core-team member")
        verbose_name_plural = _("core-team members")
        ordering = ["core_team", "organization__name", "pk"]
        indexes = [
            models.Index(fields=["organization", "ended_on"], name="coreteam_member_org"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.professional is not None:
            return f"{self.professional.full_name} ({self.organization.name})"
        return self.organization.name

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
