"""Public events: registration with double opt-in, a waiting list that moves up on cancelling,
the reminder the day before, attendance counted afterwards, and deleting attendees' personal
data after the retention period.

The public answer to a registration is the same whether the address is new, waiting for
confirmation or already registered: what differs is only the e-mail that address receives.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.accounts.actors import Actor
from palliare.audit.constants import AuditAction

from .. import tokens
from ..constants import ACTIVE_ATTENDEE, AttendeeStatus
from ..models import Attendee, Event
from .common import log, mail, normalise_email, require_manager, site

#: The reminder goes to those registered when the event starts within this window.
REMIND_WITHIN = dt.timedelta(hours=36)


def _links(attendee: Attendee) -> dict[str, str]:
    return {
        "cancel_url": site(
            reverse(
                "engagement:attendee_cancel",
                args=[tokens.make("attendee_cancel", attendee.pk, attendee.nonce)],
            )
        ),
        "event_url": site(reverse("engagement:event", args=[attendee.event_id])),
        "ics_url": site(reverse("engagement:event_ics", args=[attendee.event_id])),
    }


def _ensure_open(event: Event, moment: dt.datetime) -> None:
    if event.cancelled_at is not None or not event.is_published:
        raise ValidationError(_("This meeting does not take place; you cannot register for it."))
    if event.starts_at <= moment:
        raise ValidationError(
            _("This meeting has already started or is over; you can no longer register.")
        )


@transaction.atomic
def request_registration(
    event: Event, *, name: str, email: str, now: dt.datetime | None = None
) -> None:
    """Start a registration: a confirmation link goes to ``email``. An address that is already
    registered (or waiting) gets an e-mail saying so, with its cancel link; one waiting for
    confirmation gets the link again. Nothing in the return value tells these apart."""
    moment = now or timezone.now()
    locked = Event.objects.select_for_update().get(pk=event.pk)
    _ensure_open(locked, moment)
    address = normalise_email(email)
    existing = (
        Attendee.objects.filter(event=locked, status__in=ACTIVE_ATTENDEE, email__iexact=address)
        .order_by("pk")
        .first()
    )
    if existing is None:
        existing = Attendee.objects.create(
            event=locked, name=name.strip()[:100], email=address, status=AttendeeStatus.PENDING
        )
        log("engagement.attendee_requested", None, AuditAction.CREATE, existing, event_id=locked.pk)
    attendee = existing
    if attendee.status == AttendeeStatus.PENDING:
        token = tokens.make("attendee_confirm", attendee.pk, attendee.nonce)
        context = {
            "event": locked,
            "confirm_url": site(reverse("engagement:attendee_confirm", args=[token])),
            "hours": settings.ENGAGEMENT_CONFIRM_HOURS,
        }
        transaction.on_commit(lambda: mail("attendee_confirm", context, address))
    else:
        context = {"event": locked, "attendee": attendee, **_links(attendee)}
        transaction.on_commit(lambda: mail("attendee_already", context, address))


def _attendee_from(kind: str, token: str, *, expires: bool) -> Attendee:
    try:
        pk, nonce = tokens.read(kind, token, expires=expires)
    except tokens.InvalidToken as exc:
        if exc.expired:
            raise ValidationError(
                _("This link has expired. Please register again; you will get a new link.")
            ) from exc
        raise ValidationError(
            _("This link is not valid. Check that you copied it completely.")
        ) from exc
    attendee = Attendee.objects.select_related("event").filter(pk=pk, nonce=nonce).first()
    if attendee is None:
        raise ValidationError(_("This link is not valid. Check that you copied it completely."))
    return attendee


def check_confirm_token(token: str) -> Attendee:
    """The attendee a confirmation link is for (for the page that shows the button)."""
    attendee = _attendee_from("attendee_confirm", token, expires=True)
    if attendee.status != AttendeeStatus.PENDING:
        raise ValidationError(_("This link has already been used."))
    return attendee


@transaction.atomic
def confirm_registration(token: str, *, now: dt.datetime | None = None) -> Attendee:
    """Confirm through the e-mailed link (once; expires): a place, or the waiting list when the
    meeting is full. The confirmation e-mail carries the personal cancel link."""
    moment = now or timezone.now()
    attendee = _attendee_from("attendee_confirm", token, expires=True)
    event = Event.objects.select_for_update().get(pk=attendee.event_id)
    attendee = Attendee.objects.get(pk=attendee.pk)
    if attendee.status != AttendeeStatus.PENDING:
        raise ValidationError(_("This link has already been used."))
    _ensure_open(event, moment)
    taken = event.attendees.filter(status=AttendeeStatus.CONFIRMED).count()
    attendee.status = AttendeeStatus.CONFIRMED if taken < event.places else AttendeeStatus.WAITING
    attendee.confirmed_at = moment
    attendee.save(update_fields=["status", "confirmed_at"])
    log(
        "engagement.attendee_confirmed",
        None,
        AuditAction.UPDATE,
        attendee,
        event_id=event.pk,
        status=attendee.status,
    )
    context = {"event": event, "attendee": attendee, **_links(attendee)}
    address = attendee.email
    transaction.on_commit(lambda: mail("attendee_registered", context, address))
    attendee.event = event
    return attendee


def check_cancel_token(token: str) -> Attendee:
    attendee = _attendee_from("attendee_cancel", token, expires=False)
    if attendee.status == AttendeeStatus.CANCELLED:
        raise ValidationError(_("This registration has already been cancelled."))
    return attendee


@transaction.atomic
def cancel_registration(token: str, *, now: dt.datetime | None = None) -> Attendee:
    """Cancel through the personal link. A freed place goes to the first on the waiting list
    (in the same transaction), who gets an e-mail."""
    moment = now or timezone.now()
    attendee = check_cancel_token(token)
    event = Event.objects.select_for_update().get(pk=attendee.event_id)
    attendee = Attendee.objects.get(pk=attendee.pk)
    if attendee.status == AttendeeStatus.CANCELLED:
        raise ValidationError(_("This registration has already been cancelled."))
    if event.starts_at <= moment:
        raise ValidationError(_("The meeting has already started; you can no longer cancel."))
    had_place = attendee.status == AttendeeStatus.CONFIRMED
    attendee.status = AttendeeStatus.CANCELLED
    attendee.cancelled_at = moment
    attendee.save(update_fields=["status", "cancelled_at"])
    log("engagement.attendee_cancelled", None, AuditAction.UPDATE, attendee, event_id=event.pk)
    if had_place:
        _fill_places(event)
    attendee.event = event
    return attendee


def _fill_places(event: Event) -> list[Attendee]:
    free = event.places - event.attendees.filter(status=AttendeeStatus.CONFIRMED).count()
    if free <= 0:
        return []
    moved = list(
        event.attendees.filter(status=AttendeeStatus.WAITING).order_by("confirmed_at", "pk")[:free]
    )
    for attendee in moved:
        attendee.status = AttendeeStatus.CONFIRMED
        attendee.save(update_fields=["status"])
        log("engagement.attendee_moved_up", None, AuditAction.UPDATE, attendee, event_id=event.pk)
        context = {"event": event, "attendee": attendee, **_links(attendee)}
        address = attendee.email
        transaction.on_commit(partial(mail, "attendee_moved_up", context, address))
    return moved


# --- the organiser ----------------------------------------------------------------------------


@transaction.atomic
def save_event(event: Event, *, actor: Actor) -> Event:
    """Create or change a public event (coordinator). More places move people up."""
    require_manager(actor)
    created = event.pk is None
    event.full_clean()
    if not created:
        Event.objects.select_for_update().get(pk=event.pk)
        taken = event.attendees.filter(status=AttendeeStatus.CONFIRMED).count()
        if event.places < taken:
            raise ValidationError(
                {
                    "places": _(
                        "%(taken)s people are already registered; there cannot be fewer places."
                    )
                    % {"taken": taken}
                }
            )
    event.save()
    if not created and event.starts_at > timezone.now():
        _fill_places(event)
    log(
        "engagement.event_saved",
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        event,
    )
    return event


@transaction.atomic
def record_attendance_count(event: Event, *, actor: Actor, count: int) -> Event:
    """How many people came (counted at the door), once the event has started."""
    require_manager(actor)
    if event.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be counted once the meeting has started."))
    if count < 0 or count > 100000:
        raise ValidationError(_("Fill in a number of 0 or more."))
    event.attendance_count = count
    event.save(update_fields=["attendance_count"])
    log("engagement.attendance_counted", actor, AuditAction.UPDATE, event, count=count)
    return event


# --- reminders and retention ------------------------------------------------------------------


def events_to_remind(now: dt.datetime | None = None) -> list[int]:
    moment = now or timezone.now()
    return list(
        Event.objects.filter(
            cancelled_at__isnull=True,
            starts_at__gt=moment,
            starts_at__lte=moment + REMIND_WITHIN,
            attendees__status=AttendeeStatus.CONFIRMED,
            attendees__reminder_sent_at__isnull=True,
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def remind_event(event_id: int, *, now: dt.datetime | None = None) -> int:
    """The reminder the day before, to each confirmed attendee once. Returns messages sent."""
    moment = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.cancelled_at is not None or event.starts_at <= moment:
            return 0
        due = list(
            event.attendees.filter(status=AttendeeStatus.CONFIRMED, reminder_sent_at__isnull=True)
        )
        Attendee.objects.filter(pk__in=[a.pk for a in due]).update(reminder_sent_at=moment)
        if due:
            log("engagement.reminders_sent", None, AuditAction.EXECUTE, event, count=len(due))
    for attendee in due:
        if attendee.email:
            mail(
                "attendee_reminder",
                {"event": event, "attendee": attendee, **_links(attendee)},
                attendee.email,
            )
    return len(due)


@transaction.atomic
def purge_personal_data(*, now: dt.datetime | None = None) -> int:
    """Delete names and e-mail addresses of attendees whose event ended more than the retention
    period ago, and of registrations never confirmed within the link's validity. The rows stay
    (for the counts); the deletion is logged. Returns the number of attendees cleared."""
    moment = now or timezone.now()
    ended_before = moment - dt.timedelta(days=settings.ENGAGEMENT_RETENTION_DAYS)
    unconfirmed_before = moment - dt.timedelta(hours=settings.ENGAGEMENT_CONFIRM_HOURS)
    due = Attendee.objects.filter(personal_data_deleted_at__isnull=True).filter(
        Q(event__ends_at__lt=ended_before)
        | Q(status=AttendeeStatus.PENDING, created_at__lt=unconfirmed_before)
    )
    event_ids = sorted(set(due.values_list("event_id", flat=True)))
    count = due.update(name="", email="", personal_data_deleted_at=moment)
    if count:
        Attendee.objects.filter(
            status=AttendeeStatus.PENDING, personal_data_deleted_at=moment
        ).update(status=AttendeeStatus.CANCELLED, cancelled_at=moment)
        log(
            "engagement.attendee_data_deleted",
            None,
            AuditAction.DELETE,
            None,
            count=count,
            event_ids=event_ids,
            retention_days=settings.ENGAGEMENT_RETENTION_DAYS,
        )
    return count
