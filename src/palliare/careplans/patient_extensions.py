"""The care plan on the patient page (a panel) and on the timeline (one entry per version)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.patients.constants import PlaceOfDeath, YesNoUnknown
from palliare.patients.extensions import (
    Panel,
    Prefill,
    TimelineEntry,
    newest,
    register_death_prefill,
    register_panel,
    register_timeline,
)
from palliare.patients.models import Patient

from . import services
from .display import present
from .models import CarePlanVersion


@register_panel("care_plan")
def care_plan_panel(actor: Actor, patient: Patient) -> Panel | None:
    if not actor.has(Permission.VIEW_CARE_PLAN):
        return None
    plan = services.current_plan(patient)
    version = plan.current_version if plan else None
    return Panel(
        key="care_plan",
        title=_("Care plan (ACP)"),
        template="careplans/partials/patient_panel.html",
        context={
            "patient_id": patient.pk,
            "plan": plan,
            "version": version,
            "plan_display": present(version.content) if version else None,
            "review_due": bool(
                plan and plan.review_due_on and plan.review_due_on <= timezone.localdate()
            ),
            "can_edit": actor.has(Permission.EDIT_CARE_PLAN) and not patient.is_deceased,
        },
        order=5,
    )


@register_death_prefill("care_plan")
def death_prefill(actor: Actor, patient: Patient) -> Prefill | None:
    """The death registration's "a care plan existed" and preferred place of death, from the
    plan (for someone who may read it): shown as taken from the plan, and editable."""
    if not actor.has(Permission.VIEW_CARE_PLAN):
        return None
    plan = services.current_plan(patient)
    version = plan.current_version if plan else None
    if version is None:
        return None
    values: dict[str, str] = {"had_care_plan": YesNoUnknown.YES}
    place = version.preferred_place_of_death
    if place and place in PlaceOfDeath.values and place != PlaceOfDeath.UNKNOWN:
        values |= {"preferred_place_known": YesNoUnknown.YES, "preferred_place": place}
    return Prefill(
        values,
        _("the care plan, version %(n)s of %(date)s")
        % {
            "n": version.number,
            "date": formats.date_format(version.created_at, "SHORT_DATE_FORMAT"),
        },
    )


@register_timeline("care_plan", kinds={"care_plan": _("care plan")})
def care_plan_entries(actor: Actor, patient: Patient, limit: int | None) -> list[TimelineEntry]:
    if not actor.has(Permission.VIEW_CARE_PLAN):
        return []
    versions = CarePlanVersion.objects.filter(plan__patient=patient).only(
        "number", "created_at", "author_name", "note", "plan_id"
    )
    return [
        TimelineEntry(
            v.created_at,
            "care_plan",
            _("Care plan recorded (version 1)")
            if v.number == 1
            else _("Care plan changed: version %(n)s") % {"n": v.number},
            v.note,
            v.author_name,
            reverse("careplans:version", args=[patient.pk, v.number]),
        )
        for v in newest(versions, limit, "created_at")
    ]
