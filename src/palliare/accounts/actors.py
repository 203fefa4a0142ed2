"""The actor: who acts, in which organisation and role, on whose behalf.

Every service takes an :class:`Actor`. For a web request it is ``request.actor`` (set by
``ActorMiddleware`` from the logged-in user and the membership they chose); for an API client it
is built from the client. An actor without a current membership has no permissions at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from palliare.db.precompiled import PrecompiledQuery

from .permissions import Permission, parse

if TYPE_CHECKING:
    from palliare.organizations.models import Membership, Organization

    from .models import Role, User


@dataclass(frozen=True, eq=False)
class Actor:
    """A person (or system) acting under one membership of an organisation."""

    user: User | None
    membership: Membership | None = None
    on_behalf_of: User | None = None
    client_id: str = ""
    client_name: str = ""
    client_organization: Organization | None = None
    client_permissions: frozenset[Permission] = field(default_factory=frozenset)
    #: All memberships the user may act under today (for the switcher); loaded with the actor.
    available_memberships: tuple[Membership, ...] = ()

    @property
    def organization(self) -> Organization | None:
        if self.membership is not None:
            return self.membership.organization
        return self.client_organization

    @property
    def organization_id(self) -> int | None:
        org = self.organization
        return org.pk if org is not None else None

    @property
    def role(self) -> Role | None:
        return self.membership.role if self.membership is not None else None

    @property
    def role_code(self) -> str:
        role = self.role
        return role.code if role is not None else ""

    @cached_property
    def permissions(self) -> frozenset[Permission]:
        if self.client_id:
            return self.client_permissions
        if self.membership is None or not self.membership.is_current:
            return frozenset()
        loaded: str | None = getattr(self.membership, PERMISSION_CODES, None)
        if loaded is not None:  # loaded with the membership (current_memberships)
            return parse({code for code in loaded.split(",") if code})
        codes = self.membership.role.permissions.values_list("permission", flat=True)
        return parse(set(codes))

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission, *alternatives: Permission) -> None:
        """Refuse (``PermissionDenied``) unless the actor holds ``permission`` or one of the
        ``alternatives``: the one deny-by-default check every service starts with."""
        held = self.permissions
        if permission not in held and not any(p in held for p in alternatives):
            raise PermissionDenied

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None or bool(self.client_id)

    # --- the audit.services.AuditActor protocol ---
    @property
    def audit_user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def audit_name(self) -> str:
        if self.client_id:
            return self.client_name or self.client_id
        return str(self.user) if self.user is not None else ""

    @property
    def audit_client_id(self) -> str:
        return self.client_id

    @property
    def audit_organization_id(self) -> int | None:
        return self.organization_id

    @property
    def audit_organization_name(self) -> str:
        org = self.organization
        return org.name if org is not None else ""

    @property
    def audit_role(self) -> str:
        return self.role_code

    @property
    def audit_on_behalf_of_id(self) -> int | None:
        return self.on_behalf_of.pk if self.on_behalf_of is not None else None

    @property
    def audit_on_behalf_of_name(self) -> str:
        return str(self.on_behalf_of) if self.on_behalf_of is not None else ""


ANONYMOUS = Actor(user=None)


#: The membership annotation holding its role's permission codes, comma-separated.
PERMISSION_CODES = "role_permission_codes"


class _CommaJoined(Aggregate):
    """The values of a group joined by commas (PostgreSQL's STRING_AGG, SQLite's GROUP_CONCAT)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def _memberships(user_id: int, today: dt.date) -> QuerySet[Membership]:
    from palliare.organizations.models import Membership

    from .models import RolePermission

    codes = (
        RolePermission.objects.filter(role=OuterRef("role"))
        .order_by()
        .values("role")
        .annotate(codes=_CommaJoined("permission"))
        .values("codes")
    )
    return (
        Membership.objects.current(today)
        .filter(
            professional__user_id=user_id,
            professional__is_active=True,
            organization__is_active=True,
        )
        .select_related("organization", "role", "professional")
        .annotate(**{PERMISSION_CODES: Coalesce(Subquery(codes), Value(""))})
        .order_by("valid_from", "pk")
    )


#: Every request builds an actor: compiled once per process (decision 0021).
MEMBERSHIPS = PrecompiledQuery(_memberships, user_id=int, today=dt.date)


def current_memberships(user: User) -> list[Membership]:
    """The memberships a user can act under today, best first, each with its role's permissions
    (every request builds an actor: one query, not two)."""
    return MEMBERSHIPS.fetch(user_id=user.pk, today=timezone.localdate())


def actor_for(user: User | AnonymousUser | None, membership_id: int | None = None) -> Actor:
    """The actor for ``user``, acting under ``membership_id`` if that is one of theirs."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    memberships = current_memberships(user)
    chosen = next((m for m in memberships if m.pk == membership_id), None)
    if chosen is None and memberships:
        chosen = memberships[0]
    return Actor(
        user=user,
        membership=chosen,
        available_memberships=tuple(memberships),
    )
