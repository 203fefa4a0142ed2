"""Who may see and change the network's own work. No patient data lives here.

- VIEW_PROGRAMME reads everything in the programme (the steering group, member contacts).
- MANAGE_PROGRAMME (network coordinator, programme team) maintains it.
- RECORD_DECISIONS (steering group) records decisions; the coordinator does so as secretary.
- EDIT_OWN_WORK_PLAN lets a member organisation's contact keep its own work plan, progress
  reports and self-evaluation — only for the organisation of their current membership.
"""

from __future__ import annotations

from django.http import Http404

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission

from .models import MemberOrganization


def can_manage(actor: Actor) -> bool:
    return actor.has(Permission.MANAGE_PROGRAMME)


def can_decide(actor: Actor) -> bool:
    return actor.has(Permission.RECORD_DECISIONS) or actor.has(Permission.MANAGE_PROGRAMME)


def own_member(actor: Actor) -> MemberOrganization | None:
    """The member organisation the actor acts for, when they may keep its own work."""
    if not actor.has(Permission.EDIT_OWN_WORK_PLAN) or actor.organization_id is None:
        return None
    return (
        MemberOrganization.objects.current()
        .select_related("organization")
        .filter(organization_id=actor.organization_id)
        .first()
    )


def can_edit_member_work(actor: Actor, member: MemberOrganization) -> bool:
    """Whether the actor may keep this member's work plan, progress and self-evaluation."""
    if actor.has(Permission.MANAGE_PROGRAMME):
        return True
    return (
        actor.has(Permission.EDIT_OWN_WORK_PLAN)
        and actor.organization_id is not None
        and actor.organization_id == member.organization_id
    )


def get_member(pk: int) -> MemberOrganization:
    found = (
        MemberOrganization.objects.select_related(
            "organization", "organization__subregion", "contact"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found
