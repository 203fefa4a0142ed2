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

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.organizations.models import Organization
from palliare.patients import access as patient_access
from palliare.patients.models import Patient

from .models import ActionItem, AgendaItem, CoreTeam, CoreTeamMember, Meeting, MinutesVersion


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


def agenda_items(meeting: Meeting, *, with_minutes: bool = False) -> QuerySet[AgendaItem]:
    """The current (not removed) items of a meeting opened with :func:`get_meeting_for`, in
    agenda order, with their patient and number of open action items. Which patients the
    viewer may see by name is :func:`visible_patient_ids`' answer, not this one's.
    ``with_minutes`` adds each item's current minutes and its action items (one query each)."""
    items = (
        AgendaItem.objects.filter(meeting=meeting, removed_at__isnull=True)
        .select_related("patient")
        .annotate(open_actions=Count("action_items", filter=Q(action_items__done_at__isnull=True)))
        .order_by("position", "pk")
    )
    if with_minutes:
        items = items.prefetch_related(
            Prefetch(
                "minutes_versions",
                queryset=MinutesVersion.objects.filter(version=F("agenda_item__minutes_version")),
                to_attr="current_minutes",
            ),
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related("owner", "owner_organization"),
                to_attr="all_actions",
            ),
        )
    return items


def agenda_patient_ids(meeting: Meeting) -> QuerySet[AgendaItem, int]:
    """The patient ids on a meeting's current agenda, as a subquery ("not yet on it")."""
    return AgendaItem.objects.filter(meeting=meeting, removed_at__isnull=True).values_list(
        "patient_id", flat=True
    )


def agenda_item_ids(meeting: Meeting) -> list[int]:
    """The ids of a meeting's current agenda items in agenda order."""
    return list(
        AgendaItem.objects.filter(meeting=meeting, removed_at__isnull=True)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )


def get_agenda_item(meeting: Meeting, item_pk: int) -> AgendaItem:
    """One item of a meeting opened with :func:`get_meeting_for`; 404 when it belongs to
    another meeting. The patient is opened separately (``patients.access.get_patient_for``)."""
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting__core_team"), pk=item_pk, meeting=meeting
    )


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


def get_action_for(actor: Actor, action_pk: int) -> ActionItem:
    """An action the actor owns or whose meeting they maintain; 404 otherwise (also for one
    that does not exist)."""
    action = (
        ActionItem.objects.select_related("meeting__core_team", "owner", "patient")
        .filter(pk=action_pk)
        .first()
    )
    if action is None:
        raise Http404
    mine = ActionItem.objects.for_owner(actor).filter(pk=action.pk).exists()
    if not mine and not manages(actor, action.meeting.core_team):
        raise Http404
    return action


@dataclass(frozen=True)
class MyActions:
    """The actor's open actions and those done in the last 30 days, with the patients they may
    see by name (the others are shown without a name); already logged."""

    open_actions: list[ActionItem]
    done: list[ActionItem]
    visible: set[int]


def my_actions(actor: Actor) -> MyActions:
    """What the meetings asked of the actor (open: by due date, at most 200; done in the last
    30 days: newest first, at most 50). The patients shown by name are logged
    (``meetings.my_actions_viewed``) in the same call."""
    mine = ActionItem.objects.for_owner(actor).select_related(
        "meeting__core_team", "patient", "owner", "owner_organization"
    )
    open_actions = list(mine.open().order_by("due_on", "pk")[:200])
    since = timezone.now() - dt.timedelta(days=30)
    done = list(mine.done().filter(done_at__gte=since).order_by("-done_at")[:50])
    visible = visible_patient_ids(actor, [a.patient_id for a in open_actions + done])
    record_list_view(
        actor,
        "meetings.my_actions_viewed",
        [a.patient for a in open_actions + done if a.patient_id in visible],
    )
    return MyActions(open_actions, done, visible)
