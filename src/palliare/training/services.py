"""Writes and figures of training: courses and sessions, registration with a waiting list that
moves up by itself, attendance, evaluation, reminders, knowledge carriers.

Every write checks access, changes state and writes the access log in one transaction. Seat
assignment locks the session row (``select_for_update``; on SQLite the IMMEDIATE transaction
serialises writers), so two people can never take the last place at once and a cancellation
always hands its place to the first on the waiting list in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.organizations.models import Organization, Professional

from .constants import REMIND_BEFORE, SUPPRESS_BELOW, RegistrationStatus
from .models import Course, Evaluation, KnowledgeCarrier, Registration, Session

# --- access -----------------------------------------------------------------------------------


def professional_of(actor: Actor) -> Professional:
    """The professional acting; registering needs one (a system client cannot register)."""
    actor.require(Permission.REGISTER_TRAINING)
    professional = actor.membership.professional if actor.membership is not None else None
    if professional is None:
        raise PermissionDenied
    return professional


def may_manage(actor: Actor) -> bool:
    return actor.has(Permission.MANAGE_TRAINING)


def _log(
    event: str, actor: Actor | None, action: AuditAction, subject: Any, **details: Any
) -> None:
    audit.record(
        event,
        actor=actor,
        actor_name="" if actor is not None else "system",
        action=action,
        subject=subject,
        purpose=AuditPurpose.ADMINISTRATION,
        details=details,
    )


# --- courses and sessions ---------------------------------------------------------------------


@transaction.atomic
def save_course(course: Course, *, actor: Actor) -> Course:
    """Create or change a course (organiser)."""
    actor.require(Permission.MANAGE_TRAINING)
    created = course.pk is None
    course.full_clean()
    course.save()
    _log(
        "training.course_saved",
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        course,
        title=course.title,
    )
    return course


@transaction.atomic
def save_session(session: Session, *, actor: Actor) -> Session:
    """Create or change a session (organiser). More places move people up from the waiting
    list; fewer places than are taken are refused."""
    actor.require(Permission.MANAGE_TRAINING)
    created = session.pk is None
    session.full_clean()
    if not created:
        locked = Session.objects.select_for_update().get(pk=session.pk)
        taken = locked.registrations.registered().count()
        if session.places < taken:
            raise ValidationError(
                {
                    "places": _(
                        "%(taken)s people are already registered; there cannot be fewer places."
                    )
                    % {"taken": taken}
                }
            )
    session.save()
    promoted = [] if created else _fill_places(session)
    _log(
        "training.session_saved",
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        session,
        places=session.places,
        promoted=[r.pk for r in promoted],
    )
    return session


# --- registration and the waiting list --------------------------------------------------------


@dataclass(frozen=True)
class RegistrationOutcome:
    registration: Registration
    waiting: bool

    @property
    def position(self) -> int | None:
        return waiting_position(self.registration) if self.waiting else None


def _locked_session(session_id: int) -> Session:
    try:
        return Session.objects.select_for_update().select_related("course").get(pk=session_id)
    except Session.DoesNotExist as exc:
        raise ValidationError(_("This session does not exist.")) from exc


@transaction.atomic
def register(
    session: Session, *, actor: Actor, now: dt.datetime | None = None
) -> RegistrationOutcome:
    """Register the acting professional. A full session puts them on the waiting list; a
    session that has started, passed or was cancelled, and a second registration, are refused
    with a clear message (``ValidationError``)."""
    professional = professional_of(actor)
    moment = now or timezone.now()
    locked = _locked_session(session.pk)
    if locked.cancelled_at is not None:
        raise ValidationError(_("This session has been cancelled; you cannot register for it."))
    if locked.starts_at <= moment:
        raise ValidationError(
            _("This session has already started or is over; you can no longer register.")
        )
    if locked.registrations.active().filter(professional=professional).exists():
        raise ValidationError(_("You are already registered for this session."))
    full = locked.registrations.registered().count() >= locked.places
    organization: Organization | None = actor.organization
    registration = Registration.objects.create(
        session=locked,
        professional=professional,
        organization=organization,
        discipline=professional.discipline,
        subregion_id=organization.subregion_id if organization is not None else None,
        status=RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED,
        queued_at=moment,
    )
    _log(
        "training.registered",
        actor,
        AuditAction.CREATE,
        registration,
        session_id=locked.pk,
        status=registration.status,
    )
    return RegistrationOutcome(registration, waiting=full)


def waiting_position(registration: Registration) -> int | None:
    """1 for the first on the waiting list; None when not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = (
        Registration.objects.filter(
            session_id=registration.session_id, status=RegistrationStatus.WAITING
        )
        .filter(queued_at__lt=registration.queued_at)
        .count()
    )
    same_time_ahead = Registration.objects.filter(
        session_id=registration.session_id,
        status=RegistrationStatus.WAITING,
        queued_at=registration.queued_at,
        pk__lt=registration.pk,
    ).count()
    return ahead + same_time_ahead + 1


def _fill_places(session: Session, now: dt.datetime | None = None) -> list[Registration]:
    """Move the first on the waiting list up while there are free places (caller holds the
    session lock). Each one moved up gets an e-mail after commit."""
    moment = now or timezone.now()
    if session.starts_at <= moment or session.cancelled_at is not None:
        return []
    free = session.places - session.registrations.registered().count()
    if free <= 0:
        return []
    promoted = list(session.registrations.waiting()[:free])
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = moment
        registration.save(update_fields=["status", "promoted_at"])
        _log(
            "training.moved_up",
            None,
            AuditAction.UPDATE,
            registration,
            session_id=session.pk,
        )
    if promoted:
        ids = [r.pk for r in promoted]
        transaction.on_commit(lambda: _enqueue_moved_up(ids))
    return promoted


def _enqueue_moved_up(ids: list[int]) -> None:
    from . import tasks

    for registration_id in ids:
        tasks.notify_moved_up.enqueue(registration_id=registration_id)


@transaction.atomic
def cancel_registration(
    registration: Registration, *, actor: Actor, now: dt.datetime | None = None
) -> list[Registration]:
    """Cancel a registration (one's own, or any as organiser). A freed place goes to the first
    on the waiting list in the same transaction; returns those moved up."""
    moment = now or timezone.now()
    own = (
        actor.membership is not None
        and actor.membership.professional_id == registration.professional_id
    )
    if not own and not may_manage(actor):
        raise PermissionDenied
    locked_session = _locked_session(registration.session_id)
    current = Registration.objects.get(pk=registration.pk)
    if current.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("This registration was already cancelled."))
    if locked_session.starts_at <= moment:
        raise ValidationError(_("The session has already started; you can no longer cancel."))
    current.status = RegistrationStatus.CANCELLED
    current.cancelled_at = moment
    current.save(update_fields=["status", "cancelled_at"])
    registration.status, registration.cancelled_at = current.status, current.cancelled_at
    _log(
        "training.cancelled",
        actor,
        AuditAction.UPDATE,
        current,
        session_id=locked_session.pk,
        by_organiser=not own,
    )
    return _fill_places(locked_session, moment)


# --- attendance, certificate, evaluation ------------------------------------------------------


@transaction.atomic
def record_attendance(
    session: Session, *, actor: Actor, present: set[int], now: dt.datetime | None = None
) -> int:
    """Record who was present (registration ids in ``present``; every other registered
    participant absent). Only once the session has started. Returns the number present."""
    actor.require(Permission.MANAGE_TRAINING)
    moment = now or timezone.now()
    locked = _locked_session(session.pk)
    if locked.starts_at > moment:
        raise ValidationError(_("Attendance can be recorded once the session has started."))
    registered = list(locked.registrations.registered())
    unknown = present - {r.pk for r in registered}
    if unknown:
        raise ValidationError(_("Some of the people marked present are not registered."))
    for registration in registered:
        registration.attended = registration.pk in present
        registration.attendance_recorded_at = moment
    Registration.objects.bulk_update(registered, ["attended", "attendance_recorded_at"])
    _log(
        "training.attendance_recorded",
        actor,
        AuditAction.UPDATE,
        locked,
        present=len(present),
        absent=len(registered) - len(present),
    )
    return len(present)


@transaction.atomic
def certificate_registration(registration: Registration, *, actor: Actor) -> Registration:
    """The registration a certificate may be printed for: only the participant (or the
    organiser), only when recorded present. The first print gives it its registration number
    (the session's year and the next sequence in that year); later prints keep it."""
    own = (
        actor.membership is not None
        and actor.membership.professional_id == registration.professional_id
    )
    if not own and not may_manage(actor):
        raise PermissionDenied
    if registration.status != RegistrationStatus.REGISTERED or registration.attended is not True:
        raise ValidationError(_("A certificate is only available to those recorded as present."))
    if registration.certificate_sequence is None:
        _number_certificate(registration)
    _log("training.certificate_printed", actor, AuditAction.READ, registration)
    return registration


#: How often a first print retries when another print took the same number at that moment.
NUMBER_ATTEMPTS = 5


def _number_certificate(registration: Registration) -> None:
    """Give the registration the next number of its session's year. The row is locked so one
    registration is numbered once; two first prints of the same year at the same moment meet
    at the unique constraint, and the one that lost takes the next number."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.certificate_sequence is None:
        locked.certificate_year = timezone.localtime(registration.session.starts_at).year
        for attempt in range(NUMBER_ATTEMPTS):
            last = Registration.objects.filter(certificate_year=locked.certificate_year).aggregate(
                last=Max("certificate_sequence")
            )["last"]
            locked.certificate_sequence = (last or 0) + 1
            try:
                with transaction.atomic():
                    locked.save(update_fields=["certificate_year", "certificate_sequence"])
                break
            except IntegrityError:
                if attempt == NUMBER_ATTEMPTS - 1:
                    raise
    registration.certificate_year = locked.certificate_year
    registration.certificate_sequence = locked.certificate_sequence


@transaction.atomic
def submit_evaluation(
    registration: Registration,
    *,
    actor: Actor,
    rating: int,
    usefulness: int,
    comment: str = "",
) -> Evaluation:
    """The participant's short evaluation, once, after a session they attended."""
    if actor.membership is None or actor.membership.professional_id != registration.professional_id:
        raise PermissionDenied
    if registration.attended is not True:
        raise ValidationError(_("Only participants who were present can evaluate the session."))
    if Evaluation.objects.filter(registration=registration).exists():
        raise ValidationError(_("You have already evaluated this session. Thank you!"))
    evaluation = Evaluation(
        registration=registration, rating=rating, usefulness=usefulness, comment=comment.strip()
    )
    evaluation.full_clean()
    evaluation.save()
    _log("training.evaluated", actor, AuditAction.CREATE, registration)
    return evaluation


# --- reminders and e-mail ---------------------------------------------------------------------


def sessions_to_remind(now: dt.datetime | None = None) -> list[int]:
    """Sessions starting within REMIND_BEFORE with someone not yet reminded."""
    moment = now or timezone.now()
    return list(
        Session.objects.upcoming(moment)
        .filter(
            starts_at__lte=moment + REMIND_BEFORE,
            registrations__status=RegistrationStatus.REGISTERED,
            registrations__reminder_sent_at__isnull=True,
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def _address(professional: Professional) -> str:
    user = professional.user
    return professional.email or (user.email if user is not None else "")


def _site(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def remind_session(session_id: int, *, now: dt.datetime | None = None) -> int:
    """Send the reminder to every registered participant not yet reminded (idempotent: a
    participant is reminded once). Returns the number of messages sent."""
    moment = now or timezone.now()
    sent = 0
    with transaction.atomic():
        session = _locked_session(session_id)
        if session.cancelled_at is not None or session.starts_at <= moment:
            return 0
        due = list(
            session.registrations.registered()
            .filter(reminder_sent_at__isnull=True)
            .select_related("professional__user")
        )
        for registration in due:
            registration.reminder_sent_at = moment
        Registration.objects.bulk_update(due, ["reminder_sent_at"])
        if due:
            _log("training.reminders_sent", None, AuditAction.EXECUTE, session, count=len(due))
        messages = [(r, _address(r.professional)) for r in due]
    for registration, address in messages:
        if address:
            _mail(
                "training/email/reminder",
                {"registration": registration, "session": session},
                address,
            )
            sent += 1
    return sent


def notify_moved_up(registration_id: int) -> bool:
    """Tell someone they moved up from the waiting list (sent once: only while registered)."""
    registration = (
        Registration.objects.select_related("session__course", "professional__user")
        .filter(pk=registration_id, status=RegistrationStatus.REGISTERED, promoted_at__isnull=False)
        .first()
    )
    if registration is None:
        return False
    address = _address(registration.professional)
    if not address:
        return False
    _mail(
        "training/email/moved_up",
        {"registration": registration, "session": registration.session},
        address,
    )
    return True


def _mail(template: str, context: dict[str, Any], address: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            **context,
            "url": _site(reverse("training:list")),
            "network": settings.NETWORK_NAME,
        }
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


# --- knowledge carriers -----------------------------------------------------------------------


@transaction.atomic
def add_knowledge_carrier(carrier: KnowledgeCarrier, *, actor: Actor) -> KnowledgeCarrier:
    """Name a knowledge carrier or link person of a member organisation (organiser)."""
    actor.require(Permission.MANAGE_TRAINING)
    carrier.full_clean()
    carrier.save()
    _log(
        "training.carrier_added",
        actor,
        AuditAction.CREATE,
        carrier,
        organization_id=carrier.organization_id,
        kind=carrier.kind,
    )
    return carrier


@transaction.atomic
def end_knowledge_carrier(
    carrier: KnowledgeCarrier, *, actor: Actor, on: dt.date | None = None
) -> KnowledgeCarrier:
    """End a knowledge carrier's role (kept with its period for the history)."""
    actor.require(Permission.MANAGE_TRAINING)
    carrier.until = on or timezone.localdate()
    if carrier.until < carrier.since:
        raise ValidationError(_("The end date cannot be before the start date."))
    carrier.save(update_fields=["until"])
    _log("training.carrier_ended", actor, AuditAction.UPDATE, carrier)
    return carrier


def training_history(professional_ids: list[int]) -> dict[int, list[Registration]]:
    """Sessions each professional attended, newest first (one query)."""
    history: dict[int, list[Registration]] = {pk: [] for pk in professional_ids}
    for registration in (
        Registration.objects.present()
        .filter(professional_id__in=professional_ids)
        .select_related("session__course")
        .order_by("-session__starts_at")
    ):
        history[registration.professional_id].append(registration)
    return history


# --- figures ----------------------------------------------------------------------------------


def suppress(count: int) -> int | str:
    """Small-number suppression for figures shown outside the organiser's own list."""
    return "<5" if 0 < count < SUPPRESS_BELOW else count


@dataclass
class YearFigures:
    """Training figures of a calendar year, for the annual report and the KPIs."""

    year: int
    sessions: int = 0
    places_offered: int = 0
    places_taken: int = 0
    waiting: int = 0
    participants: int = 0
    accreditation_points: Decimal = Decimal("0")
    by_organization: dict[str, int | str] = field(default_factory=dict)
    by_discipline: dict[str, int | str] = field(default_factory=dict)
    by_subregion: dict[str, int | str] = field(default_factory=dict)


def _suppressed(counter: Counter[str], on: bool) -> dict[str, int | str]:
    return {key: suppress(n) if on else n for key, n in sorted(counter.items())}


def year_figures(year: int, *, suppress_small: bool = True) -> YearFigures:
    """Places offered and taken, waiting, participants (recorded present) and participants per
    organisation, discipline (code) and subregion, for sessions starting in ``year`` (not
    cancelled). Person counts 1–4 in the breakdowns are "<5" unless ``suppress_small`` is
    False (the organiser's own list). A fixed number of queries."""
    sessions = list(
        Session.objects.filter(starts_at__year=year, cancelled_at__isnull=True)
        .with_counts()
        .select_related("course")
    )
    figures = YearFigures(year=year, sessions=len(sessions))
    for s in sessions:
        figures.places_offered += s.places
        figures.places_taken += s.taken  # type: ignore[attr-defined]
        figures.waiting += s.waiting  # type: ignore[attr-defined]
        figures.participants += s.present  # type: ignore[attr-defined]
        figures.accreditation_points += s.course.accreditation_points * s.present  # type: ignore[attr-defined]
    by_org: Counter[str] = Counter()
    by_discipline: Counter[str] = Counter()
    by_subregion: Counter[str] = Counter()
    rows = (
        Registration.objects.present()
        .filter(session__starts_at__year=year, session__cancelled_at__isnull=True)
        .values_list("organization__name", "discipline", "subregion__name")
    )
    for org_name, discipline, subregion_name in rows:
        by_org[org_name or "—"] += 1
        by_discipline[discipline] += 1
        by_subregion[subregion_name or "—"] += 1
    figures.by_organization = _suppressed(by_org, suppress_small)
    figures.by_discipline = _suppressed(by_discipline, suppress_small)
    figures.by_subregion = _suppressed(by_subregion, suppress_small)
    return figures


def upcoming_sessions(limit: int = 6) -> list[Session]:
    """The next sessions (not cancelled), with their course: for the newsletter's block."""
    return list(
        Session.objects.upcoming()
        .select_related("course", "subregion")
        .order_by("starts_at")[:limit]
    )
