"""The information systems (HIS) that may open Palliare in the context of a patient (SMART App
Launch, EHR launch), the link between a HIS user and a Palliare account, and the second factor a
HIS vouches for."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class HisSystem(models.Model):
    """A GP information system installation registered to launch Palliare. Only a registered
    ``issuer`` is ever contacted: the launch's ``iss`` parameter is looked up, never followed."""

    name = models.CharField(_("name"), max_length=200)
    #: The HIS's FHIR base URL, the ``iss`` of its launches.
    issuer = models.URLField(_("FHIR base URL (iss)"), max_length=500, unique=True)
    #: Palliare's client id at this HIS (registered there beforehand).
    client_id = models.CharField(_("client id at the HIS"), max_length=200)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="his_systems",
        verbose_name=_("organisation"),
    )
    #: True when the HIS authenticates its users with two factors (e.g. the UZI pass): a launch
    #: then counts as Palliare's second factor. Otherwise the user enters their Palliare code.
    vouches_second_factor = models.BooleanField(_("the HIS vouches for two factors"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("GP information system")
        verbose_name_plural = _("GP information systems")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HisUserLink(models.Model):
    """A HIS user (its ``fhirUser``) linked to a Palliare account, made when the user logged in
    to Palliare in full once after a launch that could not be matched on BIG or AGB."""

    his = models.ForeignKey(HisSystem, on_delete=models.CASCADE, related_name="user_links")
    fhir_user = models.CharField(max_length=500)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="his_links"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["his", "fhir_user"], name="launch_one_link_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.fhir_user} at {self.his_id}"


class HisVouchedDevice(Device):  # type: ignore[misc]
    """The second factor a HIS vouched for at launch. It verifies no typed token: a session is
    marked verified with it only by a launch from a HIS with ``vouches_second_factor``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    his = models.ForeignKey(HisSystem, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("second factor vouched by a HIS")
        constraints = [
            models.UniqueConstraint(fields=["user", "his"], name="launch_one_device_per_his")
        ]

    def verify_token(self, token: Any) -> bool:
        return False
