"""Public pages (no login, B1 Dutch): the event calendar, an event with its map, registration
with double opt-in, confirm and cancel links, the iCalendar file, the campaign's coverage, the
newsletter (subscribe, confirm, preferences, one-click unsubscribe, archive) and the network's
pages. No e-mail address of anyone appears on these pages; answers never tell whether an
address is known."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt

from palliare.accounts.decorators import public
from palliare.capacity.maps import MapPoint, region_map

from .. import ratelimit
from ..constants import AttendeeStatus, EditionStatus, PageSlug
from ..forms import AttendeeForm, PreferencesForm, SubscribeForm
from ..models import Edition, Event, PublicPage
from ..services import campaign, events, newsletter
from ..services.common import site

CALENDAR_SHOWN = 100


def _event_queryset() -> QuerySet[Event]:
    return (
        Event.objects.published()
        .select_related("municipality")
        .annotate(
            taken=Count("attendees", filter=Q(attendees__status=AttendeeStatus.CONFIRMED)),
        )
    )


@public
def calendar(request: HttpRequest) -> HttpResponse:
    """Which meetings are there near me?"""
    upcoming = list(
        _event_queryset()
        .filter(ends_at__gt=timezone.now())
        .order_by("starts_at", "pk")[:CALENDAR_SHOWN]
    )
    return render(request, "engagement/calendar.html", {"events": upcoming})


@public
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What is this meeting, where is it, and how do I register?"""
    event = get_object_or_404(_event_queryset().select_related("postcode_area"), pk=pk)
    form = AttendeeForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.allow("event", request):
            return render(request, "engagement/too_many.html", status=429)
        if form.is_valid():
            if not form.is_bot():
                try:
                    events.request_registration(
                        event,
                        name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                    )
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
            if not form.errors:
                return redirect("engagement:check_mail")
    area = event.postcode_area
    points = (
        [MapPoint(area.latitude, area.longitude, event.venue, "place", 1)]
        if area is not None
        else []
    )
    return render(
        request,
        "engagement/event_detail.html",
        {
            "event": event,
            "form": form,
            "full": getattr(event, "taken", 0) >= event.places,
            "open": event.cancelled_at is None and event.starts_at > timezone.now(),
            "map": region_map(points) if points else None,
        },
    )


@public
def check_mail(request: HttpRequest) -> HttpResponse:
    """The same answer for every address: look in your mailbox."""
    return render(request, "engagement/check_mail.html")


@public
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    from ..ical import event_ics as build

    event = get_object_or_404(Event.objects.published().select_related("municipality"), pk=pk)
    body = build(event, url=site(reverse("engagement:event", args=[event.pk])))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="activiteit-{event.pk}.ics"'
    return response


def _link_problem(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return render(
        request, "engagement/link_problem.html", {"messages_list": exc.messages}, status=400
    )


@public
def attendee_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm a registration: the link shows a button (mail scanners that open links do not
    confirm on anyone's behalf); pressing it confirms."""
    try:
        if request.method == "POST":
            attendee = events.confirm_registration(token)
            return render(
                request,
                "engagement/attendee_done.html",
                {"attendee": attendee, "event": attendee.event},
            )
        attendee = events.check_confirm_token(token)
    except ValidationError as exc:
        return _link_problem(request, exc)
    return render(request, "engagement/attendee_confirm.html", {"event": attendee.event})


@public
def attendee_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Cancel one's registration through the personal link."""
    try:
        if request.method == "POST":
            attendee = events.cancel_registration(token)
            return render(request, "engagement/attendee_cancelled.html", {"event": attendee.event})
        attendee = events.check_cancel_token(token)
    except ValidationError as exc:
        return _link_problem(request, exc)
    return render(request, "engagement/attendee_cancel.html", {"event": attendee.event})


@public
def campaign_page(request: HttpRequest) -> HttpResponse:
    """Where did 'Dood uit de Pot' take place, and where not yet?"""
    data = campaign.coverage()
    bands = {row.gm_code: row.band for row in data.rows}
    base = region_map([], gm_codes=frozenset(bands))
    return render(
        request,
        "engagement/campaign.html",
        {"coverage": data, "map": base, "bands": bands, "band_range": range(data.goal + 1)},
    )


# --- newsletter -------------------------------------------------------------------------------


@public
def newsletter_page(request: HttpRequest) -> HttpResponse:
    """Subscribe to the newsletter, and read earlier editions."""
    form = SubscribeForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.allow("subscribe", request):
            return render(request, "engagement/too_many.html", status=429)
        if form.is_valid():
            if not form.is_bot():
                try:
                    newsletter.request_subscription(
                        email=form.cleaned_data["email"], lists=form.cleaned_data["lists"]
                    )
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
            if not form.errors:
                return redirect("engagement:check_mail")
    editions = list(Edition.objects.filter(status=EditionStatus.SENT).order_by("-sent_at")[:24])
    return render(request, "engagement/newsletter.html", {"form": form, "editions": editions})


@public
def subscription_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            newsletter.confirm_subscription(token)
            return render(request, "engagement/subscribed.html")
        newsletter._subscriber_from("subscriber_confirm", token, expires=True)
    except ValidationError as exc:
        return _link_problem(request, exc)
    return render(request, "engagement/subscription_confirm.html")


@public
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058 one-click: a POST (from the mail program or the button) unsubscribes; a GET
    shows the button. Exempt from CSRF because mail programs post without a form token; the
    signed token is the authority and unsubscribing is harmless to repeat."""
    try:
        if request.method == "POST":
            newsletter.unsubscribe(token)
            return render(request, "engagement/unsubscribed.html")
        newsletter.subscriber_for_manage(token)
    except ValidationError as exc:
        return _link_problem(request, exc)
    return render(request, "engagement/unsubscribe.html")


@public
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = newsletter.subscriber_for_manage(token)
    except ValidationError as exc:
        return _link_problem(request, exc)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"lists": [] if subscriber.unsubscribed_at else list(subscriber.lists.all())},
    )
    saved = False
    if request.method == "POST" and form.is_valid():
        newsletter.update_preferences(token, lists=form.cleaned_data["lists"])
        saved = True
    return render(request, "engagement/preferences.html", {"form": form, "saved": saved})


@public
def archive(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("engagement:newsletter") + "#archive")


@public
def archive_edition(request: HttpRequest, pk: int) -> HttpResponse:
    edition = get_object_or_404(Edition, pk=pk, status=EditionStatus.SENT)
    # The stored HTML was rendered by Palliare's own template with every field escaped.
    return render(
        request,
        "engagement/archive_edition.html",
        {"edition": edition, "html": mark_safe(edition.html)},  # noqa: S308
    )


# --- the network's pages ----------------------------------------------------------------------


@public
def page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in PageSlug.values:
        raise Http404
    stored = PublicPage.objects.filter(slug=slug).first()
    if stored is None:
        raise Http404
    english = translation.get_language() == "en" and bool(stored.body_en)
    return render(
        request,
        "engagement/page.html",
        {
            "page": stored,
            "title": stored.title_en if english and stored.title_en else stored.title_nl,
            "paragraphs": [
                p.strip()
                for p in (stored.body_en if english else stored.body_nl).split("\n\n")
                if p.strip()
            ],
            "lang": "en" if english else "nl",
            "pages": PublicPage.objects.order_by("slug"),
        },
    )
