"""Account, role and membership changes. Each change of who may do what is written to the log."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditOutcome, AuditPurpose

from .actors import Actor, actor_for
from .models import AppliedRoleDefault, Role, RolePermission, User
from .permissions import (
    DEFAULT_ROLE_PERMISSIONS,
    NEEDS_SECOND_PERSON,
    Permission,
    RoleCode,
    parse,
)

if TYPE_CHECKING:
    from palliare.audit.models import AuditEvent
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
    check_role_permissions(role, permissions)
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


def needs_second_person(role: Role) -> bool:
    """Whether a membership in ``role`` opens patient data (or hands out access) and therefore
    needs a second person's approval (``permissions.NEEDS_SECOND_PERSON``)."""
    codes = set(role.permissions.values_list("permission", flat=True))
    return bool(parse(codes) & NEEDS_SECOND_PERSON)


def _is_grantee(actor: Actor, membership: Membership) -> bool:
    return actor.user is not None and membership.professional.user_id == actor.user.pk


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
    commands (demo data, imports, the first coordinator), which are logged as the system and
    approved at once. Granted by a person, a role that opens patient data waits for a second
    person's approval (:func:`approve_membership`)."""
    from palliare.organizations.models import Membership

    if actor is not None:
        _ensure_manager(actor)
    membership = Membership(
        professional=professional, organization=organization, role=role, job_title=job_title
    )
    if valid_from is not None:
        membership.valid_from = valid_from
    membership.full_clean()
    if actor is None:
        membership.save()
        audit.record(
            "accounts.membership_granted",
            actor=None,
            actor_name="system",
            action=AuditAction.CREATE,
            subject=membership,
            purpose=AuditPurpose.ADMINISTRATION,
            details=_membership_details(membership),
        )
        return membership
    return save_membership(membership, actor=actor, previous=None)


#: Changes of a membership that widen what it opens: another person, organisation or role.
_WIDENING_FIELDS = ("professional_id", "organization_id", "role_id")


def _widens(membership: Membership, previous: dict[str, object] | None) -> bool:
    """Whether saving ``membership`` over ``previous`` (its stored values; None for a new one)
    gives access it did not give before: new, moved, another role, or a longer period."""
    if previous is None or previous.get("status") != "approved":
        return True
    if any(getattr(membership, name) != previous[name] for name in _WIDENING_FIELDS):
        return True
    earlier_start = membership.valid_from < previous["valid_from"]  # type: ignore[operator]
    old_until = previous["valid_until"]
    new_until = membership.valid_until
    later_end = old_until is not None and (new_until is None or new_until > old_until)  # type: ignore[operator]
    return bool(earlier_start or later_end)


def membership_snapshot(membership: Membership) -> dict[str, object] | None:
    """The stored values :func:`save_membership` compares a change with (None when new)."""
    from palliare.organizations.models import Membership

    if membership.pk is None:
        return None
    stored: dict[str, object] | None = (
        Membership.objects.filter(pk=membership.pk)
        .values("status", "valid_from", "valid_until", *_WIDENING_FIELDS)
        .first()
    )
    return stored


@transaction.atomic
def save_membership(
    membership: Membership, *, actor: Actor, previous: dict[str, object] | None
) -> Membership:
    """Save a membership a person granted or changed (administration screens, services).

    When the membership opens patient data and the change widens it (new, moved to another
    organisation or role, a longer period), it is saved *pending*: it grants nothing until
    a second person approves it. Narrowing changes (an end date, a job title) keep its status.
    ``previous`` is :func:`membership_snapshot` taken before the form changed the object.
    """
    from palliare.organizations.constants import MembershipStatus

    _ensure_manager(actor)
    created = previous is None
    guarded = needs_second_person(membership.role)
    if guarded and _widens(membership, previous):
        membership.status = MembershipStatus.PENDING
        membership.requested_by = actor.user
        membership.approved_by = None
        membership.approved_at = None
        event = "accounts.membership_requested"
    elif previous is None or previous["status"] != MembershipStatus.APPROVED:
        membership.status = MembershipStatus.APPROVED
        membership.requested_by = actor.user
        membership.approved_by = actor.user
        membership.approved_at = timezone.now()
        event = "accounts.membership_granted"
    else:
        event = "accounts.membership_changed"
    membership.save()
    audit.record(
        event,
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        subject=membership,
        purpose=AuditPurpose.ADMINISTRATION,
        details=_membership_details(membership),
    )
    return membership


@transaction.atomic
def approve_membership(membership: Membership, *, actor: Actor) -> Membership:
    """A second person approves a pending membership: someone who may manage accounts, who
    neither requested it nor receives it. From now on it grants its role's permissions."""
    from palliare.organizations.constants import MembershipStatus

    _ensure_manager(actor)
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError(_("This membership is not waiting for approval."))
    if _is_grantee(actor, membership):
        raise ValidationError(_("Nobody may approve access for themselves."))
    if actor.user is None or membership.requested_by_id == actor.user.pk:
        raise ValidationError(
            _("A second person must approve: you requested this membership yourself.")
        )
    membership.status = MembershipStatus.APPROVED
    membership.approved_by = actor.user
    membership.approved_at = timezone.now()
    membership.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(
        "accounts.membership_approved",
        actor=actor,
        action=AuditAction.UPDATE,
        subject=membership,
        purpose=AuditPurpose.ADMINISTRATION,
        details={
            **_membership_details(membership),
            "requested_by": membership.requested_by_id,
        },
    )
    return membership


@transaction.atomic
def reject_membership(membership: Membership, *, actor: Actor) -> None:
    """Refuse a pending membership: it is removed (the log keeps the request and the refusal).
    Anyone who may manage accounts may refuse, the requester too (withdrawing it)."""
    from palliare.organizations.constants import MembershipStatus

    _ensure_manager(actor)
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError(_("This membership is not waiting for approval."))
    details = {**_membership_details(membership), "requested_by": membership.requested_by_id}
    audit.record(
        "accounts.membership_rejected",
        actor=actor,
        action=AuditAction.DELETE,
        subject=membership,
        purpose=AuditPurpose.ADMINISTRATION,
        details=details,
    )
    membership.delete()


@transaction.atomic
def require_reapproval(memberships: QuerySet[Membership], *, actor: Actor, reason: str) -> int:
    """Put those of ``memberships`` that open patient data back to *pending* after an action
    that could hand them to someone else or revive them (an account reactivated, its second
    factor reset, a professional linked to another account or reactivated). Only narrows
    access, so anyone administering may cause it. Returns how many now wait for approval."""
    from palliare.organizations.constants import MembershipStatus

    count = 0
    approved = memberships.filter(status=MembershipStatus.APPROVED).select_related("role")
    for membership in approved:
        if not needs_second_person(membership.role):
            continue
        membership.status = MembershipStatus.PENDING
        membership.requested_by = actor.user
        membership.approved_by = None
        membership.approved_at = None
        membership.save(update_fields=["status", "requested_by", "approved_by", "approved_at"])
        audit.record(
            "accounts.membership_requested",
            actor=actor,
            action=AuditAction.UPDATE,
            subject=membership,
            purpose=AuditPurpose.ADMINISTRATION,
            details={**_membership_details(membership), "reason": reason},
        )
        count += 1
    return count


def check_role_permissions(role: Role, permissions: set[Permission]) -> None:
    """Refuse to add permissions that open patient data to a role people already hold: that
    would widen every member's access without anyone approving it. Create a new role and move
    the members instead (each move waits for a second person). Raises ValidationError."""
    from palliare.organizations.models import Membership

    if role.pk is None:
        return
    current = parse(set(role.permissions.values_list("permission", flat=True)))
    widened = (permissions - current) & NEEDS_SECOND_PERSON
    if widened and Membership.objects.filter(role=role).exists():
        raise ValidationError(
            _(
                "People already hold this role, so it cannot gain permissions that open "
                "patient data (%(permissions)s): nobody would approve their wider access. "
                "Create a new role with these permissions and give it to the people who need "
                "it; each of those memberships waits for a second person's approval."
            )
            % {"permissions": ", ".join(sorted(str(p.label) for p in widened))}
        )


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
def remove_membership(membership: Membership, *, actor: Actor) -> None:
    """Delete a membership through the administration screens (logged)."""
    _ensure_manager(actor)
    audit.record(
        "accounts.membership_removed",
        actor=actor,
        action=AuditAction.DELETE,
        subject=membership,
        purpose=AuditPurpose.ADMINISTRATION,
        details=_membership_details(membership),
    )
    membership.delete()


def record_password_changed(user: User, *, reset: bool) -> None:
    """Log that ``user`` set a new password: through the reset link (``reset``) or while logged
    in. No patient is involved; the row names the account (NEN 7513 security event)."""
    _security(
        "auth.password_reset" if reset else "auth.password_changed",
        actor_for(user),
        AuditAction.UPDATE,
        subject=user,
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
        "professional": str(membership.professional),
        "organization_id": membership.organization_id,
        "organization": membership.organization.name,
        "role": membership.role.code,
        "valid_from": membership.valid_from.isoformat() if membership.valid_from else None,
        "valid_until": membership.valid_until.isoformat() if membership.valid_until else None,
        "status": membership.status,
    }


# Login events (NEN 7513 security events). The views decide; these record.


def _security(
    event: str,
    actor: Actor,
    action: AuditAction,
    *,
    subject: models.Model | None = None,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
) -> None:
    audit.record(
        event,
        actor=actor,
        action=action,
        subject=subject,
        outcome=outcome,
        purpose=AuditPurpose.SECURITY,
    )


def record_login(user: User) -> None:
    """Log a completed login: password and second factor both passed."""
    _security("auth.login", actor_for(user), AuditAction.EXECUTE)


def record_second_factor_failed(user: User) -> None:
    """Log a wrong or expired second-factor code (the password was right)."""
    _security(
        "auth.second_factor_failed",
        actor_for(user),
        AuditAction.EXECUTE,
        outcome=AuditOutcome.FAILURE,
    )


def confirm_second_factor(device: TOTPDevice) -> None:
    """Confirm a newly enrolled authenticator and log the enrolment and the login it completes."""
    actor = actor_for(device.user)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _security("auth.second_factor_enrolled", actor, AuditAction.CREATE, subject=device)
        _security("auth.login", actor, AuditAction.EXECUTE)


def record_logout(actor: Actor) -> None:
    _security("auth.logout", actor, AuditAction.EXECUTE)


def reset_second_factor(user: User, *, actor: Actor) -> None:
    """Remove every authenticator of ``user`` (they enrol again at the next login) and log it.
    Whoever enrols next holds the account, so the caller asks for re-approval of memberships
    that open patient data."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        _security("auth.second_factor_reset", actor, AuditAction.DELETE, subject=user)


def record_password_set_by_admin(user: User, *, actor: Actor) -> None:
    """Log that an administrator set someone else's password (with a reset of the second
    factor it could take over an account)."""
    _security("auth.password_set_by_admin", actor, AuditAction.UPDATE, subject=user)


def access_grant_events(actor: Actor) -> QuerySet[AuditEvent]:
    """For the privacy officer: the log of who gave whom access (newest first). Logged as a
    privacy review."""
    from palliare.audit.models import AuditEvent

    actor.require(Permission.VIEW_ACCESS_LOG)
    audit.record(
        "accounts.access_grants_viewed",
        actor=actor,
        action=AuditAction.READ,
        purpose=AuditPurpose.PRIVACY_REVIEW,
    )
    return AuditEvent.objects.filter(event_type__in=GRANT_EVENTS).order_by("-sequence")


#: The audit events that give, change or take away access (shown to the privacy officer).
GRANT_EVENTS = (
    "accounts.membership_requested",
    "accounts.membership_granted",
    "accounts.membership_approved",
    "accounts.membership_rejected",
    "accounts.membership_changed",
    "accounts.membership_removed",
    "accounts.membership_ended",
    "accounts.role_permissions_changed",
    "auth.second_factor_reset",
    "auth.password_set_by_admin",
)
