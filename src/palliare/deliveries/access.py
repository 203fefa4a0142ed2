"""Who may do what with data sets and deliveries. Deny by default; services call ``ensure_*``
again, so a page, an API endpoint or a task cannot skip the check.

- The network coordinator (``MANAGE_KPIS``) maintains data elements and data sets.
- A business controller (``DELIVER_FIGURES``) delivers for the organisation they act for, and
  only for that one.
- The programme team (``REVIEW_DELIVERIES``) sees every delivery and accepts or returns it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from palliare.accounts.permissions import Permission

if TYPE_CHECKING:
    from palliare.accounts.actors import Actor

    from .models import Delivery


def can_manage(actor: Actor) -> bool:
    return actor.has(Permission.MANAGE_KPIS)


def ensure_can_manage(actor: Actor) -> None:
    if not can_manage(actor):
        raise PermissionDenied("Only the network coordinator maintains data sets.")


def can_deliver_for(actor: Actor, organization_id: int) -> bool:
    """A business controller delivers for the organisation they act for, no other."""
    return actor.has(Permission.DELIVER_FIGURES) and actor.organization_id == organization_id


def ensure_can_deliver_for(actor: Actor, organization_id: int) -> None:
    if not can_deliver_for(actor, organization_id):
        raise PermissionDenied("You can only deliver figures for your own organisation.")


def can_review(actor: Actor) -> bool:
    return actor.has(Permission.REVIEW_DELIVERIES)


def ensure_can_review(actor: Actor) -> None:
    if not can_review(actor):
        raise PermissionDenied("Only the programme team accepts or returns deliveries.")


def can_view(actor: Actor, delivery: Delivery) -> bool:
    """The reviewers and the network coordinator see every delivery; a controller their own."""
    return (
        can_review(actor) or can_manage(actor) or can_deliver_for(actor, delivery.organization_id)
    )
