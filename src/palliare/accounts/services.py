"""Account, role and membership changes. Each change of who may do what is written to the log."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose

from .actors import Actor
from .models import AppliedRoleDefault, Role, RolePermission, User
from .permissions import DEFAULT_ROLE_PERMISSIONS, Permission, RoleCode

if TYPE_CHECKING:
    from palliare.organizations.models import Membership, Organization, Professional


def sync_default_roles() -> int:
    """Create the built-in roles and grant default permissions never granted before.

    Idempotent. A default the coordinator removed stays removed; a default added in a new
    release is granted once. Returns the number of permissions granted.
    """
    granted = 0
    applied = set(AppliedRoleDefault.objects.values_list("role_code", "permission"))
    with transaction.atomic():
        for code, perms in DEFAULT_ROLE_PERMISSIONS.items():
            role, _created = Role.objects.get_or_create(
                code=code, defaults={"name": str(RoleCode(code).label)}
            )
            for perm in perms:
                if (code, perm.value) in applied:
                    continue
                RolePermission.objects.get_or_create(role=role, permission=perm.value)
                AppliedRoleDefault.objects.create(role_code=code, permission=perm.value)
                granted += 1
    return granted


def _ensure_manager(actor: Actor) -> None:
    if not actor.has(Permission.MANAGE_ACCOUNTS):
        raise PermissionDenied


@transaction.atomic
def set_role_permissions(role: Role, permissions: set[Permission], *, actor: Actor) -> Role:
    """Give ``role`` exactly ``permissions``; log what was added and removed."""
    _ensure_manager(actor)
    current = set(role.permissions.values_list("permission", flat=True))
    wanted = {p.value for p in permissions}
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if not added and not removed:
        return role
    RolePermission.objects.filter(role=role, permission__in=removed).delete()
    RolePermission.objects.bulk_create(RolePermission(role=role, permission=p) for p in added)
    audit.record(
        "accounts.role_permissions_changed",
        actor=actor,
        action=AuditAction.UPDATE,
        subject=role,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"role": role.code, "added": added, "removed": removed},
    )
    return role


@transaction.atomic
def grant_membership(
    professional: Professional,
    organization: Organization,
    role: Role,
    *,
    actor: Actor | None,
    job_title: str = "",
    valid_from: dt.date | None = None,
) -> Membership:
    """Let a professional act for an organisation in a role. ``actor=None`` only for set-up
    commands (demo data, imports), which are logged as the system."""
    from palliare.organizations.models import Membership

    if actor is not None:
        _ensure_manager(actor)
    membership = Membership(
        professional=professional, organization=organization, role=role, job_title=job_title
    )
    if valid_from is not None:
        membership.valid_from = valid_from
    membership.full_clean()
    membership.save()
    audit.record(
        "accounts.membership_granted",
        actor=actor,
        actor_name="system",
        action=AuditAction.CREATE,
        subject=membership,
        purpose=AuditPurpose.ADMINISTRATION,
        details=_membership_details(membership),
    )
    return membership


@transaction.atomic
def end_membership(membership: Membership, *, actor: Actor, on: dt.date) -> Membership:
    """End a membership on a date (the professional keeps no rights from it afterwards)."""
    _ensure_manager(actor)
    membership.valid_until = on
    membership.full_clean()
    membership.save(update_fields=["valid_until"])
    audit.record(
        "accounts.membership_ended",
        actor=actor,
        action=AuditAction.UPDATE,
        subject=membership,
        purpose=AuditPurpose.ADMINISTRATION,
        details={**_membership_details(membership), "valid_until": on.isoformat()},
    )
    return membership


@transaction.atomic
def record_membership_change(membership: Membership, *, actor: Actor, created: bool) -> None:
    """Log a membership saved through the administration screens."""
    _ensure_manager(actor)
    audit.record(
        "accounts.membership_granted" if created else "accounts.membership_changed",
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        subject=membership,
        purpose=AuditPurpose.ADMINISTRATION,
        details=_membership_details(membership),
    )


def record_password_changed(user: User, *, reset: bool) -> None:
    """Log that ``user`` set a new password: through the reset link (``reset``) or while logged
    in. No patient is involved; the row names the account (NEN 7513 security event)."""
    from .actors import actor_for

    audit.record(
        "auth.password_reset" if reset else "auth.password_changed",
        actor=actor_for(user),
        action=AuditAction.UPDATE,
        subject=user,
        purpose=AuditPurpose.SECURITY,
    )


def record_password_reset_requested(email: str) -> None:
    """Log a request for a reset link. The answer never says whether the address exists, so
    the row holds the address as typed (as a failed login holds the name typed) and the
    accounts it matched, if any."""
    matched = sorted(
        User.objects.filter(email__iexact=email.strip(), is_active=True).values_list(
            "pk", flat=True
        )
    )
    audit.record(
        "auth.password_reset_requested",
        actor=None,
        actor_name=email.strip()[:150],
        action=AuditAction.EXECUTE,
        purpose=AuditPurpose.SECURITY,
        details={"accounts": matched},
    )


def _membership_details(membership: Membership) -> dict[str, str | int | None]:
    return {
        "professional_id": membership.professional_id,
        "organization_id": membership.organization_id,
        "role": membership.role.code,
        "valid_from": membership.valid_from.isoformat() if membership.valid_from else None,
    }
