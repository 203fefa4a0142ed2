"""Member organisations of the network and their covenant."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from palliare.db.periods import PeriodModel, PeriodQuerySet


class MemberQuerySet(PeriodQuerySet["MemberOrganization"]):
    """``current(on)``: members taking part on ``on`` (today by default)."""


class MemberOrganization(PeriodModel):
    """A directory organisation that takes part in the network: since when, whether it signed
    the covenant, who is its contact for the programme and what it contributes each year."""

    period_fields = ("joined_on", "left_on")  # left_on: no longer a member on that day

    organization = models.OneToOneField(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="network_membership",
        verbose_name=_("organisation"),
    )
    joined_on = models.DateField(_("member since"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    covenant_signed_on = models.DateField(_("covenant signed on"), null=True, blank=True)
    contact = models.ForeignKey(
        "organizations.Professional",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme contact"),
    )
    contribution = models.DecimalField(
        _("yearly contribution (EUR)"), max_digits=10, decimal_places=2, default=0
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gt=models.F("joined_on")),
                name="programme_member_left_after_joined",
            )
        ]

    def __str__(self) -> str:
        return self.organization.name

    def is_member_on(self, day: dt.date) -> bool:
        return self.is_current_on(day)
