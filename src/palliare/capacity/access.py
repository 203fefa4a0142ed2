"""Who may change what in capacity. Deny by default; services call ``ensure_*`` again so that a
view, an API endpoint or a task cannot skip the check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from palliare.accounts.permissions import Permission
from palliare.organizations.access import (
    ensure_can_manage_directory as ensure_can_manage_directory,  # the directory's own rule
)

if TYPE_CHECKING:
    from palliare.accounts.actors import Actor

    from .models import DistrictNursingService, Facility


def _own_organization(actor: Actor, organization_id: int, parent_id: int | None) -> bool:
    own = actor.organization_id
    return own is not None and own in (organization_id, parent_id)


def can_update_facility(actor: Actor, facility: Facility) -> bool:
    """Only the facility's own staff (or its parent organisation's) report its beds."""
    return actor.has(Permission.UPDATE_FACILITY_CAPACITY) and _own_organization(
        actor, facility.organization_id, facility.organization.parent_id
    )


def ensure_can_update_facility(actor: Actor, facility: Facility) -> None:
    if not can_update_facility(actor, facility):
        raise PermissionDenied("Only the facility's own staff can report its beds.")


def can_update_intake(actor: Actor, service: DistrictNursingService) -> bool:
    """The organisation's own staff say whether it takes new clients."""
    return actor.has(Permission.UPDATE_INTAKE_STATUS) and _own_organization(
        actor, service.organization_id, service.organization.parent_id
    )


def ensure_can_update_intake(actor: Actor, service: DistrictNursingService) -> None:
    if not can_update_intake(actor, service):
        raise PermissionDenied("Only the organisation's own staff can change its intake status.")


def can_edit_service_area(actor: Actor, service: DistrictNursingService) -> bool:
    """The organisation itself, or the network coordinator who keeps the directory."""
    return can_update_intake(actor, service) or actor.has(Permission.MANAGE_DIRECTORY)


def ensure_can_edit_service_area(actor: Actor, service: DistrictNursingService) -> None:
    if not can_edit_service_area(actor, service):
        raise PermissionDenied


def ensure_can_manage_quality(actor: Actor) -> None:
    if not actor.has(Permission.MANAGE_QUALITY):
        raise PermissionDenied
