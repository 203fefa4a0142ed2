"""Training pages: the professional's list (upcoming sessions, own registrations), a session,
registering and cancelling, the certificate and the evaluation; the organiser's pages (sessions
with places taken, courses and sessions, attendance, knowledge carriers, figures)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.organizations.constants import Discipline
from palliare.ui.forms import apply_errors, parse_id

from . import services
from .constants import RegistrationStatus
from .forms import CourseForm, EvaluationForm, KnowledgeCarrierForm, SessionForm
from .models import Course, KnowledgeCarrier, Registration, Session
from .pdf import certificate_pdf

UPCOMING_SHOWN = 50


def _own_registration(request: PalliareRequest, pk: int) -> Registration:
    professional = services.professional_of(request.actor)
    return get_object_or_404(
        Registration.objects.select_related("session__course", "professional"),
        pk=pk,
        professional=professional,
    )


@require_permission(Permission.REGISTER_TRAINING)
def training_list(request: PalliareRequest) -> HttpResponse:
    """Which trainings can I follow, and where am I registered?"""
    professional = services.professional_of(request.actor)
    sessions = list(
        Session.objects.upcoming()
        .with_counts()
        .select_related("course", "subregion")
        .order_by("starts_at", "pk")[:UPCOMING_SHOWN]
    )
    mine = list(
        Registration.objects.active()
        .filter(professional=professional)
        .select_related("session__course", "evaluation")
        .order_by("-session__starts_at")
    )
    mine_by_session = {r.session_id: r for r in mine}
    now = timezone.now()
    return render(
        request,
        "training/list.html",
        {
            "sessions": sessions,
            "mine_by_session": mine_by_session,
            "upcoming_mine": [r for r in mine if r.session.starts_at > now],
            "past_mine": [r for r in mine if r.session.starts_at <= now],
        },
    )


@require_permission(Permission.REGISTER_TRAINING)
def session_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    """What is this session, and can I still take part?"""
    professional = services.professional_of(request.actor)
    session = get_object_or_404(
        Session.objects.with_counts().select_related("course", "subregion", "organizer"), pk=pk
    )
    mine = Registration.objects.active().filter(session=session, professional=professional).first()
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "mine": mine,
            "position": services.waiting_position(mine) if mine else None,
            "free": max(session.places - session.taken, 0),  # type: ignore[attr-defined]
        },
    )


@require_permission(Permission.REGISTER_TRAINING)
@require_POST
def register(request: PalliareRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    try:
        outcome = services.register(session, actor=request.actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if outcome.waiting:
            messages.warning(
                request,
                _(
                    "The session is full. You are on the waiting list (number %(position)s). "
                    "When a place comes free you move up automatically and we e-mail you."
                )
                % {"position": outcome.position},
            )
        else:
            messages.success(request, _("You are registered. You will get a reminder beforehand."))
    return redirect("training:session", pk=pk)


@require_permission(Permission.REGISTER_TRAINING)
@require_POST
def cancel(request: PalliareRequest, pk: int) -> HttpResponse:
    registration = _own_registration(request, pk)
    try:
        services.cancel_registration(registration, actor=request.actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("training:session", pk=registration.session_id)


@require_permission(Permission.REGISTER_TRAINING)
def certificate(request: PalliareRequest, pk: int) -> HttpResponse:
    registration = _own_registration(request, pk)
    try:
        services.certificate_registration(registration, actor=request.actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("training:session", pk=registration.session_id)
    response = HttpResponse(certificate_pdf(registration, request), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificaat-{registration.certificate_number}.pdf"'
    )
    return response


@require_permission(Permission.REGISTER_TRAINING)
def evaluate(request: PalliareRequest, pk: int) -> HttpResponse:
    registration = _own_registration(request, pk)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_evaluation(registration, actor=request.actor, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you for your evaluation."))
            return redirect("training:list")
    return render(request, "training/evaluate.html", {"form": form, "registration": registration})


# --- the organiser ----------------------------------------------------------------------------


@require_permission(Permission.MANAGE_TRAINING)
def manage(request: PalliareRequest) -> HttpResponse:
    """How full are the coming sessions, and which need attendance recorded?"""
    now = timezone.now()
    base = Session.objects.with_counts().select_related("course", "subregion")
    return render(
        request,
        "training/manage.html",
        {
            "upcoming": list(base.upcoming(now).order_by("starts_at", "pk")[:UPCOMING_SHOWN]),
            "recent": list(base.past(now).order_by("-starts_at", "-pk")[:20]),
            "courses": list(Course.objects.filter(is_active=True)),
        },
    )


@require_permission(Permission.MANAGE_TRAINING)
def course_form(request: PalliareRequest, pk: int | None = None) -> HttpResponse:
    course = get_object_or_404(Course, pk=pk) if pk else Course()
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_course(form.save(commit=False), actor=request.actor)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The course is saved."))
            return redirect("training:manage")
    title = _("Change course") if pk else _("New course")
    return render(request, "training/form.html", {"form": form, "title": title})


@require_permission(Permission.MANAGE_TRAINING)
def session_form(request: PalliareRequest, pk: int | None = None) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk) if pk else Session()
    initial = {}
    course_id = parse_id(request.GET.get("course"))
    if course_id and not pk:
        initial["course"] = course_id
    form = SessionForm(request.POST or None, instance=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_session(form.save(commit=False), actor=request.actor)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The session is saved."))
            return redirect("training:manage_session", pk=saved.pk)
    title = _("Change session") if pk else _("New session")
    return render(request, "training/form.html", {"form": form, "title": title})


@require_permission(Permission.MANAGE_TRAINING)
def manage_session(request: PalliareRequest, pk: int) -> HttpResponse:
    """Who is registered, who waits, who was present?"""
    session = get_object_or_404(
        Session.objects.with_counts().select_related("course", "subregion", "organizer"), pk=pk
    )
    registrations = list(
        session.registrations.active()
        .select_related("professional", "organization", "evaluation")
        .order_by("queued_at", "pk")
    )
    return render(
        request,
        "training/manage_session.html",
        {
            "session": session,
            "registered": [r for r in registrations if r.status == RegistrationStatus.REGISTERED],
            "waiting": [r for r in registrations if r.status == RegistrationStatus.WAITING],
            "can_record": session.has_started,
        },
    )


@require_permission(Permission.MANAGE_TRAINING)
@require_POST
def attendance(request: PalliareRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    present = {n for v in request.POST.getlist("present") if (n := parse_id(v)) is not None}
    try:
        count = services.record_attendance(session, actor=request.actor, present=present)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Attendance saved: %(count)s present.") % {"count": count})
    return redirect("training:manage_session", pk=pk)


@require_permission(Permission.MANAGE_TRAINING)
@require_POST
def organiser_cancel(request: PalliareRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration, pk=pk)
    try:
        services.cancel_registration(registration, actor=request.actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The registration is cancelled."))
    return redirect("training:manage_session", pk=registration.session_id)


@require_permission(Permission.MANAGE_TRAINING)
def carriers(request: PalliareRequest) -> HttpResponse:
    """Who are the knowledge carriers of each member organisation, and what did they follow?"""
    form = KnowledgeCarrierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_knowledge_carrier(form.save(commit=False), actor=request.actor)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The knowledge carrier is added."))
            return redirect("training:carriers")
    rows = list(
        KnowledgeCarrier.objects.filter(until__isnull=True)
        .select_related("organization", "professional")
        .order_by("organization__name", "professional__family_name")
    )
    history = services.training_history([c.professional_id for c in rows])
    return render(
        request,
        "training/carriers.html",
        {"rows": [(c, history.get(c.professional_id, [])) for c in rows], "form": form},
    )


@require_permission(Permission.MANAGE_TRAINING)
@require_POST
def carrier_end(request: PalliareRequest, pk: int) -> HttpResponse:
    carrier = get_object_or_404(KnowledgeCarrier, pk=pk)
    try:
        services.end_knowledge_carrier(carrier, actor=request.actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The role has ended."))
    return redirect("training:carriers")


@require_permission(Permission.MANAGE_TRAINING)
def figures(request: PalliareRequest) -> HttpResponse:
    """How many places were offered and taken this year, and by whom (counts 1–4 as "<5")?"""
    year = parse_id(request.GET.get("year"), maximum=2100) or timezone.localdate().year
    if year < 2000:
        year = timezone.localdate().year
    data = services.year_figures(year)
    labels = dict(Discipline.choices)
    return render(
        request,
        "training/figures.html",
        {
            "figures": data,
            "year": year,
            "by_discipline": {str(labels.get(k, k)): v for k, v in data.by_discipline.items()},
            "sessions": list(
                Session.objects.filter(starts_at__year=year, cancelled_at__isnull=True)
                .with_counts()
                .select_related("course")
                .order_by("starts_at")
            ),
        },
    )
