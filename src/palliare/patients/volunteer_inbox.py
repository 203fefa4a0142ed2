"""The volunteer organisation's (VPTZ) inbox: the deployments whose latest step is addressed to
it and still needs it (requested, accepted, active). A request shows no patient's name: the
organisation is not in the care team yet; once it accepts, it is, and the name shows through
the access policy like any care-team member's."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from palliare.accounts.actors import Actor

from .constants import VolunteerStatus
from .models import VolunteerDeployment

WAITING = (VolunteerStatus.REQUESTED, VolunteerStatus.ACCEPTED, VolunteerStatus.ACTIVE)


def inbox_for(actor: Actor) -> QuerySet[VolunteerDeployment]:
    """The latest step of each patient when it is addressed to the actor's organisation and
    waits for it."""
    latest = (
        VolunteerDeployment.objects.filter(patient_id=OuterRef("patient_id"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    return (
        VolunteerDeployment.objects.filter(
            organization_id=actor.organization_id or 0, status__in=WAITING
        )
        .filter(pk=Subquery(latest))
        .select_related("patient")
        .order_by("created_at", "pk")
    )
