"""Emergency accesses on the patient's timeline (the GP practice sees who broke the glass)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.patients.extensions import TimelineEntry, newest, register_timeline
from palliare.patients.models import Patient

from .models import EmergencyAccess


@register_timeline("emergency_access", kinds={"emergency_access": _("emergency access")})
def emergency_entries(actor: Actor, patient: Patient, limit: int | None) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            grant.started_at,
            "emergency_access",
            _("Emergency access by %(org)s") % {"org": grant.organization_name},
            f"{grant.get_reason_code_display()}: {grant.reason}",
            grant.user_name,
        )
        for grant in newest(EmergencyAccess.objects.filter(patient=patient), limit, "started_at")
    ]
