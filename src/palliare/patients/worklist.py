"""What the register asks of the professional today (sections of the start page)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.organizations.constants import OrganizationType
from palliare.ui.worklist import Section, register

from .access import record_list_view
from .constants import BURDEN_OVERLOADED_FROM, SignalStatus, VolunteerStatus
from .models import BurdenCheck, CareTeamMember, Patient, Signal


def _may_list(actor: Actor, permission: Permission) -> bool:
    return (
        actor.organization_id is not None
        and actor.has(Permission.VIEW_PATIENT)
        and actor.has(permission)
    )


@register("signal_inbox")
def signal_inbox(actor: Actor) -> Section | None:
    if not _may_list(actor, Permission.HANDLE_SIGNALS):
        return None
    new = Signal.objects.filter(recipient_id=actor.organization_id, status=SignalStatus.NEW)
    items = list(new.select_related("patient").order_by("created_at")[:6])
    record_list_view(actor, "patients.worklist_viewed", [s.patient for s in items])
    return Section(
        key="signal_inbox",
        title=_("New signals"),
        template="patients/partials/worklist_signals.html",
        context={"items": items, "now": timezone.now()},
        order=10,
        count=new.count(),
    )


@register("consider_marking")
def consider_marking_section(actor: Actor) -> Section | None:
    """One card for every living, unmarked patient to consider marking, each with why: an
    open signal, recorded indicators, or a suggestion from data (decision 0041). It previews
    the register's "consider marking" view (same patients, same count); a suggestion listed
    here counts as shown, so a marking after it counts as led by it."""
    from .suggestions import services as suggestions

    if actor.organization_id is None or not suggestions.may_work_with_suggestions(actor):
        return None
    patients = Patient.objects.visible_to(actor).consider_marking()
    listed = list(
        patients.select_related("marking_suggestion").order_by("family_name", "given_name", "pk")[
            :6
        ]
    )
    if not listed:
        return None
    record_list_view(actor, "patients.worklist_viewed", listed)
    open_suggestions = [
        s for p in listed if (s := suggestions.suggestion_of(p)) is not None and s.is_open
    ]
    suggestions.record_shown(actor, open_suggestions)
    items = []
    for p in listed:
        why = []
        suggestion = suggestions.suggestion_of(p)
        if suggestion is not None and suggestion.is_open:
            why.extend(suggestion.rule_labels)
        if getattr(p, "has_open_signal", False):
            why.append(str(_("open signal")))
        if getattr(p, "has_screening", False):
            why.append(str(_("indicators recorded")))
        items.append({"patient": p, "why": "; ".join(why)})
    return Section(
        key="consider_marking",
        title=_("Consider marking"),
        template="patients/partials/worklist_consider.html",
        context={"items": items, "with_suggestions": bool(open_suggestions)},
        order=20,
        count=patients.count(),
    )


@register("no_central_contact")
def no_central_contact(actor: Actor) -> Section | None:
    if not _may_list(actor, Permission.MANAGE_CARE_TEAM):
        return None
    has_central = CareTeamMember.objects.current().filter(
        patient=OuterRef("pk"), is_central_contact=True
    )
    patients = (
        Patient.objects.marked()
        .filter(gp_practice_id=actor.organization_id)
        .exclude(Exists(has_central))
    )
    items = list(patients.order_by("family_name")[:6])
    if not items:
        return None
    record_list_view(actor, "patients.worklist_viewed", items)
    return Section(
        key="no_central_contact",
        title=_("Marked, but no central contact yet"),
        template="patients/partials/worklist_patients.html",
        context={"items": items},
        order=25,
        count=patients.count(),
    )


@register("caregivers_overloaded")
def caregivers_overloaded(actor: Actor) -> Section | None:
    if not _may_list(actor, Permission.MANAGE_CARE_TEAM):
        return None
    latest = (
        BurdenCheck.objects.filter(caregiver=OuterRef("caregivers"))
        .order_by("-checked_on", "-created_at")
        .values("score")[:1]
    )
    patients = (
        Patient.objects.marked()
        .filter(gp_practice_id=actor.organization_id, caregivers__is_active=True)
        .annotate(latest_burden=Subquery(latest))
        .filter(latest_burden__gte=BURDEN_OVERLOADED_FROM)
        .distinct()
    )
    items = list(patients.order_by("family_name")[:6])
    if not items:
        return None
    record_list_view(actor, "patients.worklist_viewed", items)
    return Section(
        key="caregivers_overloaded",
        title=_("Informal caregivers overloaded"),
        template="patients/partials/worklist_patients.html",
        context={"items": items},
        order=30,
        count=patients.count(),
    )


@register("volunteer_requests")
def volunteer_requests(actor: Actor) -> Section | None:
    """For a volunteer organisation (VPTZ): requests waiting for its answer."""
    from .volunteer_inbox import inbox_for

    organization = actor.organization
    if organization is None or organization.type != OrganizationType.VOLUNTEER_ORGANIZATION:
        return None
    waiting = inbox_for(actor).filter(status=VolunteerStatus.REQUESTED)
    count = waiting.count()
    if not count:
        return None
    return Section(
        key="volunteer_requests",
        title=_("Requests for volunteers"),
        template="patients/partials/worklist_volunteers.html",
        context={"count": count},
        order=12,
        count=count,
    )
