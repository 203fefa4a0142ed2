"""What the public care finder shows: groups of public organisation types, in plain language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from palliare.organizations.constants import OrganizationType


@dataclass(frozen=True)
class Group:
    key: str
    title: str | Promise
    intro: str | Promise
    types: tuple[str, ...]
    limit: int = 3


GROUPS = (
    Group(
        "hospice",
        _("Hospices"),
        _(
            "A hospice is a home-like house for the last weeks of life. You get care day and "
            "night. Your family and friends can visit you at any time."
        ),
        (OrganizationType.HOSPICE, OrganizationType.PALLIATIVE_UNIT),
    ),
    Group(
        "volunteers",
        _("Volunteers at home (VPTZ)"),
        _(
            "Trained volunteers come to your home. They keep watch, also at night, so that your "
            "loved ones can rest. This is free."
        ),
        (OrganizationType.VOLUNTEER_ORGANIZATION,),
    ),
    Group(
        "spiritual",
        _("Someone to talk to about life and death"),
        _(
            "A spiritual counsellor visits you at home. You can talk about what matters to you, "
            "about saying goodbye and about questions of life. You do not need to be religious."
        ),
        (OrganizationType.SPIRITUAL_CARE,),
    ),
)

NETWORK_TYPES = (OrganizationType.NETWORK_OFFICE,)

#: How the places of the finder are drawn on the map (one colour, numbered like the list:
#: the public finder shows no bed states).
PLACE_STATE = "place"
