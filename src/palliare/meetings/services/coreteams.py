"""Maintaining core teams: the GP practice, its members and the coordinator."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Organization, Professional
from palliare.patients.constants import CareTeamRole

from .. import access
from ..constants import DEFAULT_DURATION_MINUTES, MeetingKind
from ..models import CoreTeam, CoreTeamMember
from .common import actor_name, log, works_at

TEAM_FIELDS = (
    "name",
    "default_kind",
    "default_location",
    "default_online_url",
    "default_duration_minutes",
    "is_active",
)


def _check_coordinator(team: CoreTeam, coordinator: Professional | None) -> None:
    if coordinator is None:
        return
    practices = access.practice_ids(team)
    works = coordinator.memberships.current().filter(organization_id__in=practices).exists()
    if not works:
        raise ValidationError(
            {"coordinator": _("The coordinator must work at a GP practice of this core team.")}
        )


@transaction.atomic
def create_core_team(
    actor: Actor,
    *,
    name: str,
    coordinator: Professional | None = None,
    default_kind: MeetingKind = MeetingKind.PATZ,
    default_location: str = "",
    default_online_url: str = "",
    default_duration_minutes: int = DEFAULT_DURATION_MINUTES,
) -> CoreTeam:
    """Start a core team for the actor's GP practice (the practice becomes its first member)."""
    actor.require(Permission.MANAGE_MEETINGS)
    practice = actor.organization
    if practice is None or practice.type != OrganizationType.GP_PRACTICE:
        raise PermissionDenied
    if not name.strip():
        raise ValidationError({"name": _("Give the core team a name.")})
    team = CoreTeam(
        name=name.strip(),
        default_kind=default_kind,
        default_location=default_location,
        default_online_url=default_online_url,
        default_duration_minutes=default_duration_minutes,
        created_by=actor.user,
    )
    team.full_clean(exclude=["coordinator", "created_by"])
    team.save()
    CoreTeamMember.objects.create(
        core_team=team, organization=practice, role=CareTeamRole.GP, added_by_name=actor_name(actor)
    )
    _check_coordinator(team, coordinator)
    if coordinator is not None:
        team.coordinator = coordinator
        team.save(update_fields=["coordinator"])
    log("core_team.created", actor, AuditAction.CREATE, team, name=team.name)
    return team


@transaction.atomic
def update_core_team(
    actor: Actor, team: CoreTeam, *, coordinator: Professional | None, **data: object
) -> CoreTeam:
    """Change the team's name, coordinator and usual time and place."""
    access.ensure_manages(actor, team)
    team = CoreTeam.objects.select_for_update().get(pk=team.pk)
    _check_coordinator(team, coordinator)
    changed = []
    for name in TEAM_FIELDS:
        if name in data and getattr(team, name) != data[name]:
            setattr(team, name, data[name])
            changed.append(name)
    if team.coordinator_id != (coordinator.pk if coordinator else None):
        team.coordinator = coordinator
        changed.append("coordinator")
    team.full_clean(exclude=["created_by"])
    team.save()
    log("core_team.updated", actor, AuditAction.UPDATE, team, changed=",".join(changed))
    return team


@transaction.atomic
def add_core_team_member(
    actor: Actor,
    team: CoreTeam,
    *,
    organization: Organization,
    role: CareTeamRole,
    professional: Professional | None = None,
) -> CoreTeamMember:
    """Add an organisation (as a whole) or one of its professionals to the core team."""
    access.ensure_manages(actor, team)
    if professional is not None and not works_at(professional, organization):
        raise ValidationError(
            {"professional": _("This professional does not work at the chosen organisation.")}
        )
    current = CoreTeamMember.objects.current().filter(core_team=team, organization=organization)
    if current.filter(professional=professional).exists():
        raise ValidationError(_("This member is already in the core team."))
    member = CoreTeamMember.objects.create(
        core_team=team,
        organization=organization,
        professional=professional,
        role=role,
        added_by_name=actor_name(actor),
    )
    log(
        "core_team.member_added",
        actor,
        AuditAction.CREATE,
        member,
        organization=organization.name,
        professional=professional.full_name if professional else "",
    )
    return member


@transaction.atomic
def end_core_team_member(actor: Actor, member: CoreTeamMember) -> CoreTeamMember:
    """Take a member out of the core team (the row is kept as history)."""
    team = member.core_team
    access.ensure_manages(actor, team)
    member = (
        CoreTeamMember.objects.select_for_update().select_related("organization").get(pk=member.pk)
    )
    if member.ended_on is not None:
        raise ValidationError(_("This member already left the core team."))
    if member.organization.type == OrganizationType.GP_PRACTICE and member.professional is None:
        others = (
            CoreTeamMember.objects.current()
            .practices()
            .filter(core_team=team, professional__isnull=True)
            .exclude(pk=member.pk)
        )
        if not others.exists():
            raise ValidationError(
                _("A core team needs its GP practice: the last practice cannot leave.")
            )
        if member.organization_id == actor.organization_id:
            raise ValidationError(
                _("You cannot take your own practice out; ask the other practice to do it.")
            )
    member.ended_on = timezone.localdate()
    member.ended_by_name = actor_name(actor)
    member.save(update_fields=["ended_on", "ended_by_name"])
    log("core_team.member_ended", actor, AuditAction.UPDATE, member)
    return member


def save_core_team_from_admin(
    actor: Actor, team: CoreTeam, *, created: bool, changed: list[str]
) -> CoreTeam:
    """Store a core team edited in the administration screens (the form has validated it) and
    log which fields changed."""
    with transaction.atomic():
        if created:
            team.created_by = actor.user
        team.save()
        audit.record(
            "core_team.created_in_admin" if created else "core_team.changed_in_admin",
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            subject=team,
            details={"changed": sorted(changed)},
        )
    return team


def save_core_team_member_from_admin(actor: Actor, member: CoreTeamMember) -> CoreTeamMember:
    """Store a core-team member added or changed in the administration screens and log it."""
    created = member.pk is None
    with transaction.atomic():
        if created:
            member.added_by_name = actor.audit_name
        member.save()
        audit.record(
            "core_team.member_added_in_admin" if created else "core_team.member_changed_in_admin",
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            subject=member,
            details={"core_team": member.core_team_id},
        )
    return member
