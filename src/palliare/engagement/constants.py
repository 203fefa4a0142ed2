"""Enumerations and fixed rules of public events, the campaign, the newsletter and public pages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: The 'Dood uit de Pot' goal: four meetings per municipality until the end of this year.
CAMPAIGN_GOAL_PER_MUNICIPALITY = 4
CAMPAIGN_END_YEAR = 2027
#: Editions a year the network promises its members ("tenminste 8x per jaar").
EDITIONS_TARGET_PER_YEAR = 8


class EventKind(models.TextChoices):
    DOOD_UIT_DE_POT = "dood_uit_de_pot", _("'Dood uit de Pot' evening")
    SYMPOSIUM = "symposium", _("symposium")
    PALLIATIVE_CARE_DAY = "palliative_care_day", _("International Day of Palliative Care")
    THEATRE = "theatre", _("theatre or film evening")
    OTHER = "other", _("other meeting")


class AttendeeStatus(models.TextChoices):
    PENDING = "pending", _("waiting for confirmation")
    CONFIRMED = "confirmed", _("registered")
    WAITING = "waiting", _("on the waiting list")
    CANCELLED = "cancelled", _("deregistered")


ACTIVE_ATTENDEE = (AttendeeStatus.PENDING, AttendeeStatus.CONFIRMED, AttendeeStatus.WAITING)


class Audience(models.TextChoices):
    PROFESSIONALS = "professionals", _("professionals")
    INHABITANTS = "inhabitants", _("inhabitants")


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")


class PageSlug(models.TextChoices):
    """The network's public pages (a fixed set; the coordinator edits their text)."""

    ABOUT = "over-het-netwerk", _("About the network")
    PALLIATIVE_CARE = "wat-is-palliatieve-zorg", _("What is palliative care?")
    TALKING = "praten-over-het-levenseinde", _("Talking about the end of life")
    ORGANISATIONS = "deelnemende-organisaties", _("Participating organisations")
