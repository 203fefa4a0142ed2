"""Query sets of core teams and meetings: which teams and meetings an actor belongs to.

Patients on an agenda are never selected here: who may see a patient is decided by
``patients.access`` only (see ``meetings.access``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from palliare.organizations.constants import OrganizationType

if TYPE_CHECKING:
    from palliare.accounts.actors import Actor

    from .models import ActionItem, CoreTeam, CoreTeamMember, Meeting  # noqa: F401


def _professional_id(actor: Actor) -> int | None:
    membership = actor.membership
    return membership.professional_id if membership is not None else None


class CoreTeamMemberQuerySet(models.QuerySet["CoreTeamMember"]):
    def current(self) -> CoreTeamMemberQuerySet:
        return self.filter(ended_on__isnull=True)

    def practices(self) -> CoreTeamMemberQuerySet:
        """Members that are GP practices (their register makes the agenda)."""
        return self.filter(organization__type=OrganizationType.GP_PRACTICE)

    def of_actor(self, actor: Actor) -> CoreTeamMemberQuerySet:
        """Rows that make ``actor`` a member: their organisation as a whole, or them by name."""
        org_id = actor.organization_id or 0
        professional_id = _professional_id(actor) or 0
        return self.filter(
            Q(organization_id=org_id, professional__isnull=True)
            | Q(organization_id=org_id, professional_id=professional_id)
        )


class CoreTeamQuerySet(models.QuerySet["CoreTeam"]):
    def active(self) -> CoreTeamQuerySet:
        return self.filter(is_active=True)

    def of_actor(self, actor: Actor) -> CoreTeamQuerySet:
        """Core teams the actor is a member of (personally or through their organisation)."""
        from .models import CoreTeamMember

        if actor.organization_id is None:
            return self.none()
        rows = CoreTeamMember.objects.current().of_actor(actor).filter(core_team=OuterRef("pk"))
        return self.filter(Exists(rows))

    def managed_by(self, actor: Actor) -> CoreTeamQuerySet:
        """Core teams whose GP practice the actor works for (who may maintain them depends on
        the permission, checked in ``meetings.access``)."""
        from .models import CoreTeamMember

        if actor.organization_id is None:
            return self.none()
        rows = (
            CoreTeamMember.objects.current()
            .practices()
            .filter(core_team=OuterRef("pk"), organization_id=actor.organization_id)
        )
        return self.filter(Exists(rows))


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def for_actor(self, actor: Actor) -> MeetingQuerySet:
        """Meetings of the actor's core teams, and meetings they are invited to as a guest."""
        from .models import Attendee, CoreTeam

        if actor.organization_id is None:
            return self.none()
        teams = CoreTeam.objects.of_actor(actor).filter(pk=OuterRef("core_team_id"))
        condition = Q(Exists(teams))
        professional_id = _professional_id(actor)
        if professional_id is not None:
            invited = Attendee.objects.filter(
                meeting=OuterRef("pk"), professional_id=professional_id
            )
            condition |= Q(Exists(invited))
        return self.filter(condition)

    def upcoming(self, days: int | None = None) -> MeetingQuerySet:
        from .constants import MeetingStatus

        now = timezone.now()
        qs = self.filter(status=MeetingStatus.PLANNED, starts_at__gte=now - dt.timedelta(hours=4))
        if days is not None:
            qs = qs.filter(starts_at__lte=now + dt.timedelta(days=days))
        return qs


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def open(self) -> ActionItemQuerySet:
        return self.filter(done_at__isnull=True)

    def done(self) -> ActionItemQuerySet:
        return self.filter(done_at__isnull=False)

    def overdue(self, today: dt.date | None = None) -> ActionItemQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def for_owner(self, actor: Actor) -> ActionItemQuerySet:
        """Actions the actor owns: by name, or for their organisation when nobody is named."""
        user_id = actor.user.pk if actor.user is not None else 0
        condition = Q(owner__user_id=user_id)
        if actor.organization_id is not None:
            condition |= Q(owner__isnull=True, owner_organization_id=actor.organization_id)
        return self.filter(condition)
