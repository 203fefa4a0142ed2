"""Changes to the directory made by hand (administration screens). Each is logged; a change
that gives a professional's access to another person asks for a second person's approval."""

from __future__ import annotations

from django.db import transaction

from palliare.accounts import services as account_services
from palliare.accounts.actors import Actor
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose

from .models import Professional


def save_professional(
    professional: Professional, *, actor: Actor, created: bool, changed: list[str]
) -> int:
    """Store a professional edited in the administration screens (the form has validated it)
    and log which fields changed. Another login account, or a professional brought back, means
    whoever acts as them now is a new person: their memberships that open patient data wait for
    a second person again. Answers how many now wait."""
    with transaction.atomic():
        professional.save()
        audit.record(
            "directory.professional_added" if created else "directory.professional_changed",
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            subject=professional,
            purpose=AuditPurpose.ADMINISTRATION,
            details={"changed": sorted(changed)},
        )
        relinked = not created and "user" in changed
        revived = not created and "is_active" in changed and professional.is_active
        if not (relinked or revived):
            return 0
        return account_services.require_reapproval(
            professional.memberships.all(),
            actor=actor,
            reason="account_linked" if relinked else "professional_reactivated",
        )
