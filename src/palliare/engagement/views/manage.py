"""The coordinator's pages: events with registrations and attendance, the campaign's coverage,
newsletter editions (compose, preview, test, send with progress, yearly count against the
target) and the public pages with a readability indication."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import any_professional, require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.ui.forms import apply_errors

from ..constants import EDITIONS_TARGET_PER_YEAR, AttendeeStatus, EditionStatus, PageSlug
from ..forms import AttendanceCountForm, EditionForm, EventForm, PageForm
from ..models import Edition, Event, PublicPage
from ..readability import flesch_douma
from ..services import campaign, events, newsletter, pages


@require_permission(Permission.MANAGE_ENGAGEMENT)
def dashboard(request: PalliareRequest) -> HttpResponse:
    """What is coming up, how far is the campaign, and is the newsletter on schedule?"""
    now = timezone.now()
    counted = Event.objects.select_related("municipality").annotate(
        confirmed=Count("attendees", filter=Q(attendees__status=AttendeeStatus.CONFIRMED)),
        waiting=Count("attendees", filter=Q(attendees__status=AttendeeStatus.WAITING)),
    )
    year = timezone.localdate().year
    coverage = campaign.coverage()
    return render(
        request,
        "engagement/manage/dashboard.html",
        {
            "upcoming": list(counted.filter(ends_at__gt=now).order_by("starts_at")[:50]),
            "past": list(counted.filter(ends_at__lte=now).order_by("-starts_at")[:20]),
            "editions": list(Edition.objects.order_by("-created_at")[:20]),
            "sent_this_year": newsletter.editions_sent(year),
            "target": EDITIONS_TARGET_PER_YEAR,
            "year": year,
            "coverage": coverage,
            "pages": {p.slug: p for p in PublicPage.objects.all()},
            "page_slugs": PageSlug.choices,
        },
    )


@require_permission(Permission.MANAGE_ENGAGEMENT)
def event_form(request: PalliareRequest, pk: int | None = None) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk) if pk else Event()
    form = EventForm(request.POST or None, instance=event)
    count_form = AttendanceCountForm(initial={"attendance_count": event.attendance_count})
    if request.method == "POST" and form.is_valid():
        try:
            saved = events.save_event(form.save(commit=False), actor=request.actor)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("engagement:manage_event", pk=saved.pk)
    counts = None
    if event.pk:
        counts = dict(
            event.attendees.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
    return render(
        request,
        "engagement/manage/event_form.html",
        {"form": form, "event": event, "counts": counts, "count_form": count_form},
    )


@require_permission(Permission.MANAGE_ENGAGEMENT)
@require_POST
def event_attendance(request: PalliareRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    form = AttendanceCountForm(request.POST)
    if form.is_valid():
        try:
            events.record_attendance_count(
                event, actor=request.actor, count=form.cleaned_data["attendance_count"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The attendance is saved."))
    else:
        messages.error(request, _("Fill in a number of 0 or more."))
    return redirect("engagement:manage_event", pk=pk)


@require_permission(Permission.MANAGE_ENGAGEMENT)
def edition_form(request: PalliareRequest, pk: int | None = None) -> HttpResponse:
    edition = get_object_or_404(Edition, pk=pk) if pk else Edition()
    if edition.pk and edition.status != EditionStatus.DRAFT:
        return redirect("engagement:edition", pk=edition.pk)
    initial = {}
    if edition.pk:
        initial = {
            "subject": edition.subject,
            "lists": list(edition.lists.all()),
            **EditionForm.initial_from(edition.blocks),
        }
    form = EditionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        edition.subject = form.cleaned_data["subject"]
        edition.blocks = form.blocks()
        try:
            saved = newsletter.save_edition(
                edition, actor=request.actor, lists=form.cleaned_data["lists"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The edition is saved."))
            return redirect("engagement:edition", pk=saved.pk)
    return render(
        request, "engagement/manage/edition_form.html", {"form": form, "edition": edition}
    )


@require_permission(Permission.MANAGE_ENGAGEMENT)
def edition_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    """Preview, links check, test send, send, and the progress of sending."""
    edition = get_object_or_404(Edition, pk=pk)
    content = (
        edition.html
        if edition.status != EditionStatus.DRAFT
        else newsletter.render_edition(edition)[0]
    )
    return render(
        request,
        "engagement/manage/edition_detail.html",
        {
            "edition": edition,
            # Rendered by Palliare's own template with every field escaped.
            "preview": mark_safe(content),  # noqa: S308
            "broken": newsletter.broken_links(edition),
            "recipients": newsletter.recipients(edition).count()
            if edition.status == EditionStatus.DRAFT
            else edition.total,
            "lists": list(edition.lists.all()),
        },
    )


@require_permission(Permission.MANAGE_ENGAGEMENT)
def edition_progress(request: PalliareRequest, pk: int) -> HttpResponse:
    edition = get_object_or_404(Edition, pk=pk)
    return render(request, "engagement/partials/progress.html", {"edition": edition})


@require_permission(Permission.MANAGE_ENGAGEMENT)
@require_POST
def edition_test(request: PalliareRequest, pk: int) -> HttpResponse:
    edition = get_object_or_404(Edition, pk=pk)
    try:
        address = newsletter.send_test(edition, actor=request.actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A test was sent to %(address)s.") % {"address": address})
    return redirect("engagement:edition", pk=pk)


@require_permission(Permission.MANAGE_ENGAGEMENT)
@require_POST
def edition_send(request: PalliareRequest, pk: int) -> HttpResponse:
    edition = get_object_or_404(Edition, pk=pk)
    try:
        newsletter.start_sending(edition, actor=request.actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The edition is being sent."))
    return redirect("engagement:edition", pk=pk)


@require_permission(Permission.MANAGE_ENGAGEMENT)
def page_form(request: PalliareRequest, slug: str) -> HttpResponse:
    if slug not in PageSlug.values:
        raise Http404
    stored = PublicPage.objects.filter(slug=slug).first() or PublicPage(
        slug=slug, title_nl=str(PageSlug(slug).label)
    )
    form = PageForm(request.POST or None, instance=stored)
    readability = flesch_douma(
        request.POST.get("body_nl", "") if request.method == "POST" else stored.body_nl
    )
    if request.method == "POST" and form.is_valid() and "check" not in request.POST:
        try:
            pages.save_page(form.save(commit=False), actor=request.actor)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The page is saved."))
            return redirect("engagement:manage")
    return render(
        request,
        "engagement/manage/page_form.html",
        {"form": form, "slug": slug, "readability": readability, "label": PageSlug(slug).label},
    )


@any_professional
@require_POST
def subscribe_professional(request: PalliareRequest) -> HttpResponse:
    """One click: the professional's account address on the professionals' newsletter."""
    try:
        newsletter.subscribe_professional(request.actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You now receive the newsletter for professionals."))
    return redirect("ui:home")
