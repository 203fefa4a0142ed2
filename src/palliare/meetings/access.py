"""Who may see and change core teams, meetings and what is on an agenda.

- A core team is maintained by people holding ``MANAGE_MEETINGS`` in one of its GP practices
  (and by the network coordinator in the administration screens).
- A meeting is open to members of its core team (their organisation as a whole, or them by
  name) and to invited guests. Opening a meeting shows *no* patient by itself: every patient on
  the agenda is shown by name only if ``patients.access`` lets the viewer see that patient (GP
  practice, or care team with consent). Everybody else sees "patient (no consent to share)".
- Whether an organisation may see a patient (to own an action item about them) is asked of the
  same policy, for that organisation.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import Http404

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.organizations.models import Organization
from palliare.patients import access as patient_access
from palliare.patients.models import Patient

from .models import CoreTeam, CoreTeamMember, Meeting


def practice_ids(core_team: CoreTeam) -> list[int]:
    """The GP practices of a core team (their register feeds the agenda)."""
    return sorted(
        set(
            CoreTeamMember.objects.current()
            .practices()
            .filter(core_team=core_team)
            .values_list("organization_id", flat=True)
        )
    )


def manages(actor: Actor, core_team: CoreTeam) -> bool:
    """Whether the actor may maintain the core team and prepare and minute its meetings."""
    if not actor.has(Permission.MANAGE_MEETINGS) or actor.organization_id is None:
        return False
    return CoreTeam.objects.managed_by(actor).filter(pk=core_team.pk).exists()


def ensure_manages(actor: Actor, core_team: CoreTeam) -> None:
    if not manages(actor, core_team):
        raise PermissionDenied


def get_meeting_for(actor: Actor, pk: int) -> Meeting:
    """Open a meeting for ``actor``: 404 when it is missing or not theirs."""
    if not actor.has(Permission.VIEW_PATIENT):
        raise Http404
    found = (
        Meeting.objects.for_actor(actor)
        .select_related("core_team", "core_team__coordinator")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_core_team_for(actor: Actor, pk: int) -> CoreTeam:
    """Open a core team: its members and those who maintain it; 404 otherwise."""
    teams = CoreTeam.objects.of_actor(actor) | CoreTeam.objects.managed_by(actor)
    team = teams.select_related("coordinator").filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def visible_patient_ids(actor: Actor, patient_ids: Iterable[int]) -> set[int]:
    """Which of these patients the actor may see by name (one query)."""
    ids = list(patient_ids)
    if not ids:
        return set()
    return set(Patient.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))


def organization_actor(organization: Organization) -> Actor:
    """An actor standing for an organisation as a whole (used to ask the policy whether the
    organisation may see a patient); it can do nothing else."""
    return Actor(
        user=None,
        client_id=f"organization:{organization.pk}",
        client_name=organization.name,
        client_organization=organization,
        client_permissions=frozenset({Permission.VIEW_PATIENT}),
    )


def organization_may_see(organization: Organization, patient: Patient) -> bool:
    return patient_access.access_purpose(organization_actor(organization), patient) is not None


def record_list_view(actor: Actor, event: str, patients: Iterable[Patient]) -> None:
    """Log that a page (or export) showed these patients by name (NEN 7513)."""
    unique = {p.pk: p for p in patients}
    patient_access.record_list_view(actor, event, list(unique.values()))
