"""Enumerations and fixed rules of training (deskundigheidsbevordering)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Reminders go out this long before a session starts.
REMIND_BEFORE = dt.timedelta(days=2)
#: Counts from 1 to this number are shown as "<5" outside the organiser's own lists.
SUPPRESS_BELOW = 5


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    WAITING = "waiting", _("on the waiting list")
    CANCELLED = "cancelled", _("deregistered")


class CarrierKind(models.TextChoices):
    """Kennisdrager (knowledge carrier) or aandachtsvelder (link nurse / focal person)."""

    KNOWLEDGE_CARRIER = "knowledge_carrier", _("knowledge carrier")
    LINK_PERSON = "link_person", _("link person (aandachtsvelder)")


RATINGS = [(n, str(n)) for n in range(1, 6)]
