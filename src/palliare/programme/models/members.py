"""Member organisations of the network and their covenant."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberQuerySet(models.QuerySet["MemberOrganization"]):
    def current(self, on: dt.date | None = None) -> MemberQuerySet:
        """Members taking part on ``on`` (today by default)."""
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(joined_on__lte=day).filter(
            models.Q(left_on__isnull=True) | models.Q(left_on__gt=day)
        )


class MemberOrganization(models.Model):
    """A directory organisation that takes part in the network: since when, whether it signed
    the covenant, who is its contact for the programme and what it contributes each year."""

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
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)
