"""Emergency accesses on the patient's timeline (the GP practice sees who broke the glass), and
on the patient page the access report for the lead practitioner and the patient's GP."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.patients.access import practitioner_ground
from palliare.patients.extensions import (
    Panel,
    TimelineEntry,
    newest,
    register_panel,
    register_timeline,
)
from palliare.patients.models import Patient

from .models import EmergencyAccess


@register_panel("access_report")
def access_report_panel(actor: Actor, patient: Patient) -> Panel | None:
    """For the lead practitioner and the patient's GP: who looked at the record (the report to
    show the patient), and the emergency accesses to it."""
    if practitioner_ground(actor, patient) is None:
        return None
    return Panel(
        key="access_report",
        title=_("Who looked at this record"),
        template="acute/partials/patient_access_panel.html",
        context={
            "patient": patient,
            "emergency_accesses": list(
                EmergencyAccess.objects.filter(patient=patient).order_by("-started_at")[:5]
            ),
        },
        order=90,
    )


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
