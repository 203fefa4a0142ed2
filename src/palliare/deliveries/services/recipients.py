"""Who is told: the current holders of a permission, optionally in given organisations."""

from __future__ import annotations

from collections.abc import Iterable

from palliare.accounts.models import User
from palliare.accounts.permissions import Permission
from palliare.organizations.models import Membership


def users_with(permission: Permission, organization_ids: Iterable[int] | None = None) -> list[User]:
    memberships = Membership.objects.current().filter(
        role__permissions__permission=permission.value,
        professional__is_active=True,
        professional__user__is_active=True,
    )
    if organization_ids is not None:
        memberships = memberships.filter(organization_id__in=list(organization_ids))
    ids = set(memberships.values_list("professional__user_id", flat=True))
    return list(User.objects.filter(pk__in=ids).order_by("pk"))
