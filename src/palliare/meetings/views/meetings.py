"""Meetings: the list, planning and changing a meeting, its agenda and attendees."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.ui.forms import apply_errors, parse_id

from .. import access, services
from ..constants import AttendanceMode
from ..forms import AttendeeForm, CancelMeetingForm, MeetingForm
from ..models import Attendee, CoreTeam, Meeting
from .common import back
from .presenting import build_agenda

#: The list shows the next meetings first, then earlier (and cancelled) ones page by page.
UPCOMING_SHOWN = 20
PAST_PER_PAGE = 20


@require_permission(Permission.VIEW_PATIENT)
def meeting_list(request: PalliareRequest) -> HttpResponse:
    """Which meetings are coming up, and what was agreed in the last ones?"""
    actor = request.actor
    meetings = (
        Meeting.objects.for_actor(actor)
        .select_related("core_team")
        .annotate(patients=Count("agenda_items", filter=Q(agenda_items__removed_at__isnull=True)))
    )
    upcoming_all = meetings.upcoming().order_by("starts_at", "pk")
    upcoming = list(upcoming_all[:UPCOMING_SHOWN])
    more_upcoming = upcoming_all.count() - len(upcoming) if len(upcoming) == UPCOMING_SHOWN else 0
    earlier = meetings.exclude(pk__in=Meeting.objects.upcoming().values("pk"))
    page = Paginator(earlier.order_by("-starts_at", "-pk"), PAST_PER_PAGE).get_page(
        request.GET.get("page")
    )
    teams = (
        list(CoreTeam.objects.managed_by(actor).active())
        if actor.has(Permission.MANAGE_MEETINGS)
        else []
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "upcoming": upcoming,
            "more_upcoming": more_upcoming,
            "past": list(page.object_list),
            "page": page,
            "teams": teams,
        },
    )


def _meeting_context(request: PalliareRequest, meeting: Meeting) -> dict[str, object]:
    actor = request.actor
    view = build_agenda(actor, meeting, event="meetings.agenda_viewed")
    return {
        "meeting": meeting,
        "agenda": view,
        "manages": access.manages(actor, meeting.core_team),
        "previous": services.previous_meeting(meeting),
    }


@require_permission(Permission.VIEW_PATIENT)
def meeting_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    """The meeting: when and where, who attends, and the agenda from the register."""
    meeting = access.get_meeting_for(request.actor, pk)
    context = _meeting_context(request, meeting)
    if request.htmx:
        return render(request, "meetings/partials/agenda.html", context)
    context["attendees"] = list(
        meeting.attendees.select_related("organization", "professional").order_by(
            "-is_core_team_member", "name"
        )
    )
    context["modes"] = AttendanceMode
    return render(request, "meetings/meeting_detail.html", context)


def _team_for_planning(request: PalliareRequest) -> CoreTeam:
    teams = CoreTeam.objects.managed_by(request.actor).active()
    team_id = parse_id(request.GET.get("team") or request.POST.get("team"))
    if team_id is not None:
        return get_object_or_404(teams, pk=team_id)
    team = teams.first()
    if team is None:
        raise Http404
    return team


@require_permission(Permission.MANAGE_MEETINGS)
def meeting_create(request: PalliareRequest) -> HttpResponse:
    """Plan a meeting: the core team's members are invited, the agenda is prepared later."""
    team = _team_for_planning(request)
    start = timezone.localtime() + dt.timedelta(days=7)
    initial = {
        "kind": team.default_kind,
        "duration_minutes": team.default_duration_minutes,
        "location": team.default_location,
        "online_url": team.default_online_url,
        "starts_at": start.replace(hour=12, minute=30, second=0, microsecond=0),
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            meeting = services.plan_meeting(request.actor, team, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Meeting planned. The core team has been invited."))
            return redirect("meetings:detail", meeting.pk)
    return render(
        request, "meetings/meeting_form.html", {"form": form, "team": team, "creating": True}
    )


def _managed_meeting(request: PalliareRequest, pk: int) -> Meeting:
    meeting = access.get_meeting_for(request.actor, pk)
    access.ensure_manages(request.actor, meeting.core_team)
    return meeting


@require_permission(Permission.MANAGE_MEETINGS)
def meeting_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    initial = {
        "kind": meeting.kind,
        "starts_at": timezone.localtime(meeting.starts_at),
        "duration_minutes": meeting.duration_minutes,
        "location": meeting.location,
        "online_url": meeting.online_url,
        "note": meeting.note,
        "version": meeting.version,
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.update_meeting(
                request.actor,
                meeting,
                expected_version=form.cleaned_data["version"] or meeting.version,
                **data,
            )
        except services.ConflictError:
            form.add_error(
                None,
                _(
                    "Someone else changed this meeting while you were editing. Nothing of yours "
                    "was saved; reload the page to see the current details."
                ),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Meeting changed."))
            return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "team": meeting.core_team, "meeting": meeting},
    )


@require_permission(Permission.MANAGE_MEETINGS)
def meeting_cancel(request: PalliareRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    form = CancelMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_meeting(request.actor, meeting, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Meeting cancelled."))
            return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/simple_form.html",
        {
            "form": form,
            "meeting": meeting,
            "title": _("Cancel this meeting"),
            "submit": _("Cancel the meeting"),
        },
    )


@require_permission(Permission.MANAGE_MEETINGS)
@require_POST
def meeting_prepare(request: PalliareRequest, pk: int) -> HttpResponse:
    """Take (or refresh) the agenda snapshot from the register."""
    meeting = _managed_meeting(request, pk)
    first = meeting.agenda_prepared_at is None
    try:
        items = services.prepare_agenda(request.actor, meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        count = len(items)
        messages.success(
            request,
            (
                _("Agenda prepared: %(n)d patients.")
                if first
                else _("Agenda refreshed: %(n)d patients.")
            )
            % {"n": count},
        )
    return redirect("meetings:detail", meeting.pk)


@require_permission(Permission.MANAGE_MEETINGS)
@require_POST
def meeting_held(request: PalliareRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    try:
        services.mark_held(request.actor, meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The meeting is marked as held."))
    return redirect("meetings:detail", meeting.pk)


@require_permission(Permission.MANAGE_MEETINGS)
def attendee_add(request: PalliareRequest, pk: int) -> HttpResponse:
    """Invite someone: a core-team member, or a guest such as a palliative care specialist."""
    meeting = _managed_meeting(request, pk)
    form = AttendeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_attendee(
                request.actor,
                meeting,
                professional=form.cleaned_data["professional"],
                organization=form.cleaned_data["organization"],
                mode=AttendanceMode(form.cleaned_data["mode"]),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Invited."))
            return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/simple_form.html",
        {"form": form, "meeting": meeting, "title": _("Invite someone"), "submit": _("Invite")},
    )


def _attendee(request: PalliareRequest, pk: int, attendee_pk: int) -> Attendee:
    meeting = _managed_meeting(request, pk)
    return get_object_or_404(
        Attendee.objects.select_related("meeting__core_team"), pk=attendee_pk, meeting=meeting
    )


@require_permission(Permission.MANAGE_MEETINGS)
@require_POST
def attendee_remove(request: PalliareRequest, pk: int, attendee_pk: int) -> HttpResponse:
    attendee = _attendee(request, pk, attendee_pk)
    try:
        services.remove_attendee(request.actor, attendee)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s is no longer invited.") % {"name": attendee.name})
    return redirect("meetings:detail", pk)


@require_permission(Permission.MANAGE_MEETINGS)
@require_POST
def attendee_update(request: PalliareRequest, pk: int, attendee_pk: int) -> HttpResponse:
    """Switch present/remote, or record whether someone attended."""
    attendee = _attendee(request, pk, attendee_pk)
    mode = request.POST.get("mode", "")
    attended = request.POST.get("attended", "")
    try:
        services.set_attendance(
            request.actor,
            attendee,
            mode=AttendanceMode(mode) if mode in AttendanceMode.values else None,
            attended={"yes": True, "no": False}.get(attended),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return back(request, "meetings:detail", pk)
