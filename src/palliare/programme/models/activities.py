"""The activity plan per year, in the table of seed 001: theme, subject, goal, action and
result, by whom, which network, timeline; with a status and links to what carries it out."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..constants import ActivityStatus


class ActivityRow(models.Model):
    """One row of a year's activity plan. An unfinished row carried to the next year keeps a
    link to the row it came from."""

    year = models.PositiveSmallIntegerField(_("year"))
    theme = models.CharField(_("theme"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200)
    goal = models.TextField(_("goal"))
    action_and_result = models.TextField(_("action and result"))
    by_whom = models.CharField(_("by whom"), max_length=300)
    network = models.CharField(_("which network"), max_length=200, default="Alle")
    timeline = models.CharField(_("timeline"), max_length=100)
    status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    deliverable = models.ForeignKey(
        "programme.Deliverable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deliverable"),
    )
    meeting = models.ForeignKey(
        "programme.BodyMeeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting"),
    )
    link = models.URLField(_("link (training, event)"), blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["year", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.year} {self.subject}"
