"""What the organisation's own page shows; later steps add work plans, reports and
self-evaluations here."""

from __future__ import annotations

from typing import Any

from palliare.accounts.actors import Actor

from . import access
from .models import MemberOrganization


def member_context(actor: Actor, member: MemberOrganization) -> dict[str, Any]:
    return {
        "member": member,
        "can_manage": access.can_manage(actor),
        "can_edit_work": access.can_edit_member_work(actor, member),
    }
