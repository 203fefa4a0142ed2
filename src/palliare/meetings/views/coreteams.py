"""Core teams: who is in the team of a GP practice, and who coordinates it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Professional
from palliare.patients.constants import CareTeamRole
from palliare.ui.forms import apply_errors

from .. import access, services
from ..constants import MeetingKind
from ..forms import CoreTeamForm, CoreTeamMemberForm
from ..models import CoreTeam, CoreTeamMember


def _coordinators(org_ids: list[int]) -> QuerySet[Professional]:
    return (
        Professional.objects.filter(is_active=True, memberships__organization_id__in=org_ids)
        .distinct()
        .order_by("family_name", "given_name")
    )


@require_permission(Permission.VIEW_PATIENT)
def core_team_list(request: PalliareRequest) -> HttpResponse:
    """The core teams I am in (and maintain)."""
    actor = request.actor
    teams = (CoreTeam.objects.of_actor(actor) | CoreTeam.objects.managed_by(actor)).distinct()
    teams = teams.select_related("coordinator").order_by("name")
    can_create = (
        actor.has(Permission.MANAGE_MEETINGS)
        and actor.organization is not None
        and actor.organization.type == OrganizationType.GP_PRACTICE
    )
    return render(
        request,
        "meetings/core_team_list.html",
        {"teams": list(teams), "can_create": can_create},
    )


@require_permission(Permission.MANAGE_MEETINGS)
def core_team_create(request: PalliareRequest) -> HttpResponse:
    actor = request.actor
    org = actor.organization
    if org is None or org.type != OrganizationType.GP_PRACTICE:
        messages.error(request, _("Only a GP practice can start a core team."))
        return redirect("meetings:core_teams")
    form = CoreTeamForm(
        request.POST or None,
        coordinators=_coordinators([org.pk]),
        initial={
            "name": _("Core team %(practice)s") % {"practice": org.name},
            "default_kind": MeetingKind.PATZ,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = services.create_core_team(actor, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Core team created. Add its members."))
            return redirect("meetings:core_team", team.pk)
    return render(request, "meetings/core_team_form.html", {"form": form, "creating": True})


@require_permission(Permission.VIEW_PATIENT)
def core_team_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    actor = request.actor
    team = access.get_core_team_for(actor, pk)
    members = list(
        team.members.select_related("organization", "professional").order_by(
            "ended_on", "organization__name", "pk"
        )
    )
    meetings = list(team.meetings.order_by("-starts_at")[:10])
    return render(
        request,
        "meetings/core_team_detail.html",
        {
            "team": team,
            "current": [m for m in members if m.ended_on is None],
            "former": [m for m in members if m.ended_on is not None],
            "meetings": meetings,
            "manages": access.manages(actor, team),
        },
    )


def _managed_team(request: PalliareRequest, pk: int) -> CoreTeam:
    team = access.get_core_team_for(request.actor, pk)
    access.ensure_manages(request.actor, team)
    return team


@require_permission(Permission.MANAGE_MEETINGS)
def core_team_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    team = _managed_team(request, pk)
    form = CoreTeamForm(
        request.POST or None,
        coordinators=_coordinators(access.practice_ids(team)),
        initial={
            "name": team.name,
            "coordinator": team.coordinator,
            "default_kind": team.default_kind,
            "default_location": team.default_location,
            "default_online_url": team.default_online_url,
            "default_duration_minutes": team.default_duration_minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_core_team(request.actor, team, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Core team saved."))
            return redirect("meetings:core_team", team.pk)
    return render(request, "meetings/core_team_form.html", {"form": form, "team": team})


@require_permission(Permission.MANAGE_MEETINGS)
def core_team_member_add(request: PalliareRequest, pk: int) -> HttpResponse:
    team = _managed_team(request, pk)
    form = CoreTeamMemberForm(request.POST or None, initial={"role": CareTeamRole.DISTRICT_NURSE})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_core_team_member(
                request.actor,
                team,
                organization=form.cleaned_data["organization"],
                professional=form.cleaned_data["professional"],
                role=CareTeamRole(form.cleaned_data["role"]),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Member added."))
            return redirect("meetings:core_team", team.pk)
    return render(
        request,
        "meetings/simple_form.html",
        {
            "form": form,
            "team": team,
            "title": _("Add a member to %(team)s") % {"team": team.name},
            "submit": _("Add"),
        },
    )


@require_permission(Permission.MANAGE_MEETINGS)
@require_POST
def core_team_member_end(request: PalliareRequest, pk: int, member_pk: int) -> HttpResponse:
    team = _managed_team(request, pk)
    member = get_object_or_404(
        CoreTeamMember.objects.select_related("core_team"), pk=member_pk, core_team=team
    )
    try:
        services.end_core_team_member(request.actor, member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(who)s left the core team.") % {"who": member.display_name})
    return redirect("meetings:core_team", team.pk)
