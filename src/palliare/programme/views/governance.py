"""Governance bodies, their members, meetings (agenda, documents, minutes, attendance,
invitation), the decision list and actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.ui.forms import apply_errors, parse_id

from .. import access, invitations, services
from ..constants import Attendance, DeliverableStatus, MeetingStatus
from ..forms import (
    ActionForm,
    BodyForm,
    BodyMemberForm,
    DecisionForm,
    DocumentForm,
    MeetingEditForm,
    MeetingForm,
    MinutesForm,
    TopicEditForm,
    TopicForm,
)
from ..models import (
    AgendaTopic,
    Body,
    BodyMeeting,
    BodyMembership,
    Decision,
    Deliverable,
    Document,
    ProgrammeAction,
)
from .common import form_page


def _body(pk: int) -> Body:
    return get_object_or_404(Body.objects.select_related("subregion"), pk=pk)


def _meeting(pk: int) -> BodyMeeting:
    return get_object_or_404(BodyMeeting.objects.select_related("body"), pk=pk)


@require_permission(Permission.VIEW_PROGRAMME)
def body_list(request: PalliareRequest) -> HttpResponse:
    bodies = list(
        Body.objects.select_related("subregion")
        .annotate(
            seats=Count(
                "memberships",
                filter=BodyMembership.current_q(prefix="memberships__"),
                distinct=True,
            )
        )
        .order_by("kind", "name")
    )
    return render(
        request,
        "programme/body_list.html",
        {"bodies": bodies, "can_manage": access.can_manage(request.actor)},
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def body_add(request: PalliareRequest) -> HttpResponse:
    form = BodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.create_body(request.actor, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:body", body.pk)
    return form_page(
        request, form, title=_("New body"), submit=_("Create"), back_url=reverse("programme:bodies")
    )


@require_permission(Permission.VIEW_PROGRAMME)
def body_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    body = _body(pk)
    today = timezone.localdate()
    seats = list(
        body.memberships.select_related("professional", "organization").order_by(
            "role", "started_on"
        )
    )
    current = [
        s for s in seats if s.started_on <= today and (s.ended_on is None or s.ended_on > today)
    ]
    other = [s for s in seats if s not in current]
    return render(
        request,
        "programme/body_detail.html",
        {
            "body": body,
            "current": current,
            "other": other,
            "meetings": list(body.meetings.order_by("-starts_at")[:20]),
            "decisions": list(
                body.decisions.select_related("body").order_by("-decided_on", "-number")[:20]
            ),
            "can_manage": access.can_manage(request.actor),
            "can_decide": access.can_decide(request.actor),
            "today": today,
        },
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def body_member_add(request: PalliareRequest, pk: int) -> HttpResponse:
    body = _body(pk)
    form = BodyMemberForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_body_member(request.actor, body, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Member added."))
            return redirect("programme:body", body.pk)
    return form_page(
        request,
        form,
        title=_("Add a member to %(body)s") % {"body": body.name},
        submit=_("Add"),
        back_url=reverse("programme:body", args=[body.pk]),
    )


@require_permission(Permission.MANAGE_PROGRAMME)
@require_POST
def body_member_end(request: PalliareRequest, pk: int, seat_pk: int) -> HttpResponse:
    seat = get_object_or_404(BodyMembership, pk=seat_pk, body_id=pk)
    try:
        services.end_body_membership(request.actor, seat, ended_on=timezone.localdate())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("programme:body", pk)


@require_permission(Permission.MANAGE_PROGRAMME)
def meeting_add(request: PalliareRequest, pk: int) -> HttpResponse:
    body = _body(pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.plan_body_meeting(request.actor, body, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:meeting", meeting.pk)
    return form_page(
        request,
        form,
        title=_("Plan a meeting of %(body)s") % {"body": body.name},
        submit=_("Plan"),
        back_url=reverse("programme:body", args=[body.pk]),
    )


CONFLICT_MESSAGE = gettext_lazy(
    "Someone else changed this meeting while you were editing. Nothing of yours was saved "
    "yet: your input is below. Check it against the meeting's page and save again."
)


@require_permission(Permission.MANAGE_PROGRAMME)
def meeting_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    """Change the date, time and place of a planned meeting (optimistic locking)."""
    meeting = _meeting(pk)
    back = reverse("programme:meeting", args=[meeting.pk])
    if meeting.status != MeetingStatus.PLANNED:
        messages.error(request, _("Only a planned meeting can be changed."))
        return redirect(back)
    initial = {
        "starts_at": timezone.localtime(meeting.starts_at),
        "duration_minutes": meeting.duration_minutes,
        "location": meeting.location,
        "online_url": meeting.online_url,
        "sequence": meeting.sequence,
    }
    form, status, saved = _save_with_lock(
        request,
        MeetingEditForm,
        initial,
        lambda data, expected: services.update_body_meeting(
            request.actor, meeting, expected_sequence=expected, **data
        ),
    )
    if saved:
        messages.success(request, _("Meeting changed; the invitation is updated."))
        return redirect(back)
    response = form_page(
        request,
        form,
        title=_("Change the meeting of %(body)s") % {"body": meeting.body.name},
        submit=_("Save"),
        back_url=back,
        intro=_(
            "The attendees are told of a new date, time or place; their calendar takes the "
            "changed invitation."
        ),
    )
    if status == 409:
        response.status_code = 409
    return response


def _save_with_lock(
    request: PalliareRequest,
    form_class: type[forms.Form],
    initial: dict[str, Any],
    save: Callable[[dict[str, Any], int], object],
) -> tuple[forms.Form, int, bool]:
    """A form carrying the meeting's revision (``sequence``) saved under the optimistic lock:
    the form, the status to answer (409 on a conflict) and whether it was saved. On a conflict
    the user's input is kept and the next save is checked against the current revision."""
    form = form_class(request.POST or None, initial=initial)
    if request.method != "POST" or not form.is_valid():
        return form, 200, False
    data = dict(form.cleaned_data)
    expected = data.pop("sequence")
    try:
        save(data, expected)
    except services.ConflictError as exc:
        post = request.POST.copy()
        post["sequence"] = str(exc.current_version)
        form = form_class(post, initial=initial)
        form.is_valid()
        form.add_error(None, CONFLICT_MESSAGE)
        return form, 409, False
    except ValidationError as exc:
        apply_errors(form, exc)
        return form, 200, False
    return form, 200, True


def _posted_sequence(request: PalliareRequest) -> int:
    """The meeting revision the posted page showed (-1 when missing or not a number: then the
    change is refused as a conflict)."""
    text = request.POST.get("sequence", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1


def _planned_topic(pk: int, topic_pk: int) -> AgendaTopic:
    return get_object_or_404(
        AgendaTopic.objects.select_related("meeting__body"), pk=topic_pk, meeting_id=pk
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def topic_edit(request: PalliareRequest, pk: int, topic_pk: int) -> HttpResponse:
    """Change an agenda topic of a planned meeting (optimistic locking on the meeting)."""
    topic = _planned_topic(pk, topic_pk)
    back = reverse("programme:meeting", args=[pk])
    initial = {"title": topic.title, "note": topic.note, "sequence": topic.meeting.sequence}
    form, status, saved = _save_with_lock(
        request,
        TopicEditForm,
        initial,
        lambda data, expected: services.update_topic(
            request.actor, topic, expected_sequence=expected, **data
        ),
    )
    if saved:
        return redirect(back)
    response = form_page(
        request, form, title=_("Change the topic"), submit=_("Save"), back_url=back
    )
    if status == 409:
        response.status_code = 409
    return response


@require_permission(Permission.MANAGE_PROGRAMME)
@require_POST
def topic_remove(request: PalliareRequest, pk: int, topic_pk: int) -> HttpResponse:
    topic = _planned_topic(pk, topic_pk)
    expected = _posted_sequence(request)
    try:
        services.remove_topic(request.actor, topic, expected_sequence=expected)
    except services.ConflictError:
        messages.error(
            request,
            _(
                "Someone else changed this meeting meanwhile; nothing was removed. Look at the "
                "agenda again."
            ),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Topic taken off the agenda."))
    return redirect("programme:meeting", pk)


@require_permission(Permission.MANAGE_PROGRAMME)
@require_POST
def topic_move(request: PalliareRequest, pk: int, topic_pk: int) -> HttpResponse:
    """Move an agenda topic one place up or down."""
    topic = _planned_topic(pk, topic_pk)
    expected = _posted_sequence(request)
    try:
        services.move_topic(
            request.actor,
            topic,
            direction=request.POST.get("direction", ""),
            expected_sequence=expected,
        )
    except services.ConflictError:
        messages.error(
            request,
            _(
                "Someone else changed this meeting meanwhile; the order stays as it was. Look "
                "at the agenda again."
            ),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Topic moved: %(title)s.") % {"title": topic.title})
    return redirect(reverse("programme:meeting", args=[pk]) + f"#topic-{topic.pk}")


@require_permission(Permission.VIEW_PROGRAMME)
def meeting_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    topics = list(meeting.topics.prefetch_related("documents").order_by("position"))
    attendance = list(
        meeting.attendance.select_related("professional").order_by("professional__family_name")
    )
    return render(
        request,
        "programme/meeting_detail.html",
        {
            "meeting": meeting,
            "topics": topics,
            "attendance": attendance,
            "attendance_choices": Attendance.choices,
            "decisions": list(meeting.decisions.select_related("body").order_by("number")),
            "actions": list(meeting.actions.select_related("owner").order_by("due_on")),
            "bottlenecks": list(meeting.bottlenecks.order_by("title")),
            "can_manage": access.can_manage(request.actor),
            "has_started": meeting.starts_at <= timezone.now(),
            "can_decide": access.can_decide(request.actor),
            "topic_form": TopicForm(),
            "minutes_form": MinutesForm(initial={"minutes": meeting.minutes}),
            "statuses": MeetingStatus,
        },
    )


@require_permission(Permission.MANAGE_PROGRAMME)
@require_POST
def meeting_status(request: PalliareRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    try:
        services.set_meeting_status(request.actor, meeting, request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("programme:meeting", meeting.pk)


@require_permission(Permission.MANAGE_PROGRAMME)
def topic_add(request: PalliareRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_topic(request.actor, meeting, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:meeting", meeting.pk)
    return form_page(
        request,
        form,
        title=_("Add a topic"),
        submit=_("Add"),
        back_url=reverse("programme:meeting", args=[meeting.pk]),
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def document_upload(request: PalliareRequest, pk: int, topic_pk: int) -> HttpResponse:
    topic = get_object_or_404(
        AgendaTopic.objects.select_related("meeting"), pk=topic_pk, meeting_id=pk
    )
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attach_document(request.actor, topic, form.cleaned_data["file"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Document added."))
            return redirect("programme:meeting", pk)
    return form_page(
        request,
        form,
        title=_("Add a document to “%(topic)s”") % {"topic": topic.title},
        submit=_("Upload"),
        back_url=reverse("programme:meeting", args=[pk]),
        multipart=True,
    )


@require_permission(Permission.VIEW_PROGRAMME)
def document_download(request: PalliareRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(Document, pk=pk)
    services.record_download("programme.document_downloaded", request.actor, document)
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    safe = "".join(c for c in document.name if c.isalnum() or c in "._- ")[:100] or "document"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_permission(Permission.MANAGE_PROGRAMME)
@require_POST
def minutes_save(request: PalliareRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    form = MinutesForm(request.POST)
    if form.is_valid():
        services.save_minutes(request.actor, meeting, minutes=form.cleaned_data["minutes"])
        messages.success(request, _("Minutes saved."))
    return redirect("programme:meeting", meeting.pk)


@require_permission(Permission.MANAGE_PROGRAMME)
@require_POST
def attendance_save(request: PalliareRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    statuses: dict[int, str] = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if key.startswith("attendance-"):
            professional_id = parse_id(key.removeprefix("attendance-"))
            if professional_id is not None:
                statuses[professional_id] = value
    try:
        services.record_attendance(request.actor, meeting, statuses)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Attendance saved."))
    return redirect("programme:meeting", meeting.pk)


@require_permission(Permission.VIEW_PROGRAMME)
def meeting_ics(request: PalliareRequest, pk: int) -> HttpResponse:
    """The meeting as a calendar invitation."""
    meeting = _meeting(pk)
    page_url = request.build_absolute_uri(reverse("programme:meeting", args=[meeting.pk]))
    when = date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
    topics = [t.title for t in meeting.topics.order_by("position")]
    description = "\n".join(
        [
            _("%(body)s on %(when)s.") % {"body": meeting.body.name, "when": when},
            *[f"{i}. {t}" for i, t in enumerate(topics, 1)],
            _("Agenda and documents: %(url)s") % {"url": page_url},
        ]
    )
    attendees = [
        (
            a.professional.full_name,
            a.professional.email or (a.professional.user.email if a.professional.user else ""),
        )
        for a in meeting.attendance.select_related("professional__user")
    ]
    body = invitations.build_invitation(
        meeting,
        summary=meeting.body.name,
        description=description,
        page_url=page_url,
        attendees=attendees,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{meeting.body.code}-{meeting.starts_at:%Y%m%d}.ics"'
    )
    return response


@require_permission(Permission.VIEW_PROGRAMME)
def decision_list(request: PalliareRequest) -> HttpResponse:
    """The decision list (besluitenlijst) of every body, newest first, by year."""
    year = parse_id(request.GET.get("year"), 2100)
    decisions = Decision.objects.select_related("body", "meeting").order_by(
        "-decided_on", "-number"
    )
    if year:
        decisions = decisions.filter(year=year)
    years = sorted(set(Decision.objects.values_list("year", flat=True)), reverse=True)
    return render(
        request,
        "programme/decision_list.html",
        {
            "decisions": list(decisions[:500]),
            "years": years,
            "year": year,
            "can_decide": access.can_decide(request.actor),
            "bodies": list(Body.objects.filter(is_active=True)),
        },
    )


@require_permission(Permission.VIEW_PROGRAMME)
def decision_add(request: PalliareRequest, pk: int) -> HttpResponse:
    """Record a decision of a body (and adopt the deliverables it names)."""
    if not access.can_decide(request.actor):
        raise PermissionDenied
    body = _body(pk)
    meetings = (
        body.meetings.exclude(status=MeetingStatus.CANCELLED)
        .filter(starts_at__lte=timezone.now())
        .order_by("-starts_at")
    )
    submitted = Deliverable.objects.filter(status=DeliverableStatus.SUBMITTED).select_related(
        "action_line", "subregion"
    )
    initial: dict[str, object] = {"decided_on": timezone.localdate()}
    meeting_id = parse_id(request.GET.get("meeting"))
    if meeting_id:
        chosen = meetings.filter(pk=meeting_id).first()
        if chosen is not None:
            initial.update(meeting=chosen, decided_on=timezone.localtime(chosen.starts_at).date())
    deliverable_id = parse_id(request.GET.get("adopt"))
    if deliverable_id:
        initial["adopts"] = [deliverable_id]
    form = DecisionForm(
        request.POST or None, meetings=meetings, submitted=submitted, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.record_decision(
                request.actor,
                body,
                decided_on=data["decided_on"],
                title=data["title"],
                text=data["text"],
                meeting=data["meeting"],
                adopts=data.get("adopts") or [],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Decision %(ref)s recorded.") % {"ref": decision.reference})
            return redirect("programme:decision", decision.pk)
    return form_page(
        request,
        form,
        title=_("Record a decision of %(body)s") % {"body": body.name},
        submit=_("Record the decision"),
        back_url=reverse("programme:body", args=[body.pk]),
    )


@require_permission(Permission.VIEW_PROGRAMME)
def decision_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(Decision.objects.select_related("body", "meeting"), pk=pk)
    return render(
        request,
        "programme/decision_detail.html",
        {
            "decision": decision,
            "deliverables": list(
                decision.adopted_deliverables.select_related("action_line", "subregion")
            ),
        },
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def action_add(request: PalliareRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action(request.actor, meeting, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:meeting", meeting.pk)
    return form_page(
        request,
        form,
        title=_("Add an action"),
        submit=_("Add"),
        back_url=reverse("programme:meeting", args=[meeting.pk]),
    )


@require_permission(Permission.VIEW_PROGRAMME)
@require_POST
def action_done(request: PalliareRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(ProgrammeAction.objects.select_related("owner"), pk=pk)
    try:
        services.complete_action(request.actor, action)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Action done."))
    target = request.POST.get("next", "")
    if target == "home":
        return redirect("ui:home")
    return redirect("programme:meeting", action.meeting_id)
