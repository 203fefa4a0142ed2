"""Who may change the directory. Deny by default; services call ``ensure_*`` again so that a
view, an API endpoint or a task cannot skip the check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from palliare.accounts.permissions import Permission

if TYPE_CHECKING:
    from palliare.accounts.actors import Actor


def ensure_can_manage_directory(actor: Actor) -> None:
    """Only the directory's keepers (the network coordinator) change or export it."""
    if not actor.has(Permission.MANAGE_DIRECTORY):
        raise PermissionDenied
