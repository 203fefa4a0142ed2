"""Governance bodies, their members over time, meetings, documents, minutes, attendance,
the numbered decision list and the actions agreed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit.constants import AuditAction
from palliare.notifications.messages import DateParam, message
from palliare.organizations.models import Organization, Professional, Subregion

from ..constants import (
    DOCUMENT_MAGIC,
    DOCUMENT_TYPES,
    MAX_DOCUMENT_BYTES,
    Attendance,
    BodyKind,
    BodyRole,
    MeetingStatus,
)
from ..models import (
    AgendaTopic,
    Body,
    BodyMeeting,
    BodyMembership,
    Decision,
    Deliverable,
    Document,
    MeetingAttendance,
    ProgrammeAction,
)
from .common import ConflictError, ensure, ensure_any, log


@transaction.atomic
def create_body(
    actor: Actor,
    *,
    kind: str,
    name: str,
    code: str,
    subregion: Subregion | None = None,
    assignment: str = "",
) -> Body:
    """Create a governance body (steering group, working group, …)."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    code = code.strip().lower()
    if Body.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Another body already uses this prefix.")})
    if kind == BodyKind.SUBREGIONAL_NETWORK and subregion is None:
        raise ValidationError({"subregion": _("A subregional network belongs to a subregion.")})
    body = Body(kind=kind, name=name.strip(), code=code, subregion=subregion, assignment=assignment)
    body.full_clean()
    body.save()
    log("programme.body_created", actor, body, AuditAction.CREATE)
    return body


def _overlaps(
    body: Body,
    professional: Professional,
    role: str,
    started_on: dt.date,
    ended_on: dt.date | None,
    exclude: int | None = None,
) -> bool:
    qs = BodyMembership.objects.filter(body=body, professional=professional, role=role).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=started_on)
    )
    if ended_on is not None:
        qs = qs.filter(started_on__lt=ended_on)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


@transaction.atomic
def add_body_member(
    actor: Actor,
    body: Body,
    *,
    professional: Professional,
    role: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    organization: Organization | None = None,
) -> BodyMembership:
    """Seat a person in a body in one role for a period. One person holds one role in one body
    for one period at a time: an overlapping seat in the same role is refused."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if role not in BodyRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    if ended_on is not None and ended_on <= started_on:
        raise ValidationError({"ended_on": _("The end must come after the start.")})
    if _overlaps(body, professional, role, started_on, ended_on):
        raise ValidationError(
            {
                "started_on": _("%(name)s already holds this role in %(body)s in this period.")
                % {"name": professional.full_name, "body": body.name}
            }
        )
    seat = BodyMembership.objects.create(
        body=body,
        professional=professional,
        organization=organization,
        role=role,
        started_on=started_on,
        ended_on=ended_on,
    )
    log("programme.body_member_added", actor, seat, AuditAction.CREATE, body=body.pk)
    return seat


@transaction.atomic
def end_body_membership(actor: Actor, seat: BodyMembership, *, ended_on: dt.date) -> None:
    """End a seat (the history stays)."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if ended_on <= seat.started_on:
        raise ValidationError({"ended_on": _("The end must come after the start.")})
    if seat.ended_on is not None and seat.ended_on <= ended_on:
        raise ValidationError({"ended_on": _("This seat has already ended.")})
    seat.ended_on = ended_on
    seat.save(update_fields=["ended_on"])
    log("programme.body_member_ended", actor, seat, ended_on=ended_on)


def current_members(body: Body, on: dt.date | None = None) -> list[BodyMembership]:
    day = on or timezone.localdate()
    return list(
        BodyMembership.objects.filter(body=body)
        .filter(BodyMembership.current_q(day))
        .select_related("professional", "organization")
        .order_by("role", "professional__family_name")
    )


def _check_when_where(
    starts_at: dt.datetime, duration_minutes: int, location: str, online_url: str
) -> None:
    if not 2000 <= starts_at.year <= 2100:
        raise ValidationError({"starts_at": _("Choose a date between 2000 and 2100.")})
    if not 10 <= duration_minutes <= 600:
        raise ValidationError({"duration_minutes": _("Between 10 and 600 minutes.")})
    if not location.strip() and not online_url.strip():
        raise ValidationError({"location": _("Give a place, an online link, or both.")})


@transaction.atomic
def plan_body_meeting(
    actor: Actor,
    body: Body,
    *,
    starts_at: dt.datetime,
    duration_minutes: int = 120,
    location: str = "",
    online_url: str = "",
) -> BodyMeeting:
    """Plan a meeting of a body; its current members are listed for attendance."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    _check_when_where(starts_at, duration_minutes, location, online_url)
    meeting = BodyMeeting.objects.create(
        body=body,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        online_url=online_url.strip(),
    )
    members = {m.professional_id for m in current_members(body, timezone.localdate(starts_at))}
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=meeting, professional_id=pk) for pk in sorted(members)
    )
    log("programme.meeting_planned", actor, meeting, AuditAction.CREATE, body=body.pk)
    return meeting


def _locked_planned(meeting: BodyMeeting, expected_sequence: int) -> BodyMeeting:
    """The meeting locked for a change, if nobody changed it since the editor opened it (its
    ``sequence``, the invitation's revision number, is the optimistic lock) and it is still
    planned."""
    current = BodyMeeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    if current.sequence != expected_sequence:
        raise ConflictError(current.sequence)
    if current.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be changed."))
    return current


def _tell_attendees(actor: Actor, meeting: BodyMeeting) -> None:
    """Tell the people on the attendance list that the meeting moved (in the app and by an
    e-mail without content; the page has the new invitation)."""
    from palliare.notifications.services import notify

    users = [
        a.professional.user
        for a in meeting.attendance.select_related("professional__user")
        if a.professional.user is not None
    ]
    when = DateParam(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
    title = (
        message(
            gettext_noop("Changed: %(body)s now on %(when)s, %(place)s"),
            body=meeting.body.name,
            when=when,
            place=meeting.location,
        )
        if meeting.location
        else message(
            gettext_noop("Changed: %(body)s now on %(when)s"), body=meeting.body.name, when=when
        )
    )
    notify(
        users,
        kind="programme.meeting_changed",
        title=title,
        url=reverse("programme:meeting", args=[meeting.pk]),
        email=True,
        exclude=actor.user,
    )


@transaction.atomic
def update_body_meeting(
    actor: Actor,
    meeting: BodyMeeting,
    *,
    expected_sequence: int,
    starts_at: dt.datetime,
    duration_minutes: int,
    location: str = "",
    online_url: str = "",
) -> BodyMeeting:
    """Change when and where a planned meeting is. Refused when somebody changed the meeting
    since the editor opened it (:class:`ConflictError`) or it was held or cancelled. The
    invitation's SEQUENCE goes up; when the time or place changed, the attendees are told."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    current = _locked_planned(meeting, expected_sequence)
    _check_when_where(starts_at, duration_minutes, location, online_url)
    values = {
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "location": location.strip(),
        "online_url": online_url.strip(),
    }
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    if not changed:
        return current
    if "starts_at" in changed and current.decisions.exists():
        raise ValidationError(
            {"starts_at": _("Decisions were recorded in this meeting: its date stays.")}
        )
    for name in changed:
        setattr(current, name, values[name])
    current.sequence += 1
    current.save(update_fields=[*changed, "sequence", "updated_at"])
    log("programme.meeting_updated", actor, current, changed=",".join(changed))
    if {"starts_at", "duration_minutes", "location", "online_url"} & set(changed):
        _tell_attendees(actor, current)
    return current


@transaction.atomic
def update_topic(
    actor: Actor, topic: AgendaTopic, *, expected_sequence: int, title: str, note: str = ""
) -> AgendaTopic:
    """Change an agenda topic of a planned meeting (optimistic lock on the meeting)."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    meeting = _locked_planned(topic.meeting, expected_sequence)
    if not title.strip():
        raise ValidationError({"title": _("Give the topic.")})
    topic.title = title.strip()
    topic.note = note.strip()
    topic.save(update_fields=["title", "note"])
    meeting.sequence += 1
    meeting.save(update_fields=["sequence", "updated_at"])
    log("programme.topic_updated", actor, topic, meeting=meeting.pk)
    return topic


@transaction.atomic
def remove_topic(actor: Actor, topic: AgendaTopic, *, expected_sequence: int) -> None:
    """Take a topic off the agenda of a planned meeting; one with documents stays (nothing
    uploaded is lost)."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    meeting = _locked_planned(topic.meeting, expected_sequence)
    if topic.documents.exists():
        raise ValidationError(_("This topic has documents; it stays on the agenda."))
    log("programme.topic_removed", actor, topic, AuditAction.DELETE, title=topic.title)
    topic.delete()
    meeting.sequence += 1
    meeting.save(update_fields=["sequence", "updated_at"])


@transaction.atomic
def move_topic(
    actor: Actor, topic: AgendaTopic, *, direction: str, expected_sequence: int
) -> AgendaTopic:
    """Move a topic of a planned meeting's agenda one place up or down (it swaps places with
    its neighbour; optimistic lock on the meeting). The positions are renumbered 1..n so gaps
    left by removed topics close."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if direction not in {"up", "down"}:
        raise ValidationError(_("Move a topic up or down."))
    meeting = _locked_planned(topic.meeting, expected_sequence)
    topics = list(meeting.topics.order_by("position", "pk"))
    index = next(i for i, item in enumerate(topics) if item.pk == topic.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(topics):
        raise ValidationError(
            _("This topic is already first.")
            if direction == "up"
            else _("This topic is already last.")
        )
    topics[index], topics[other] = topics[other], topics[index]
    for position, item in enumerate(topics, start=1):
        item.position = position
    AgendaTopic.objects.bulk_update(topics, ["position"])
    meeting.sequence += 1
    meeting.save(update_fields=["sequence", "updated_at"])
    log("programme.topic_moved", actor, topic, meeting=meeting.pk, direction=direction)
    return topics[other]


@transaction.atomic
def set_meeting_status(actor: Actor, meeting: BodyMeeting, status: str) -> BodyMeeting:
    """Mark a meeting held or cancelled (a cancelled meeting's invitation says so)."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if status not in MeetingStatus.values:
        raise ValidationError(_("Unknown status."))
    if status == MeetingStatus.HELD and meeting.starts_at > timezone.now():
        raise ValidationError(_("A meeting cannot be held before it starts."))
    meeting.status = status
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    log("programme.meeting_status", actor, meeting, status=status)
    return meeting


@transaction.atomic
def add_topic(actor: Actor, meeting: BodyMeeting, *, title: str, note: str = "") -> AgendaTopic:
    """Add a topic to the end of a meeting's agenda."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if not title.strip():
        raise ValidationError({"title": _("Give the topic.")})
    last = meeting.topics.aggregate(m=Max("position"))["m"] or 0
    topic = AgendaTopic.objects.create(
        meeting=meeting, position=last + 1, title=title.strip(), note=note.strip()
    )
    # The invitation lists the agenda: a new revision.
    BodyMeeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    meeting.refresh_from_db(fields=["sequence"])
    log("programme.topic_added", actor, topic, AuditAction.CREATE, meeting=meeting.pk)
    return topic


def _file_error(message: Any, code: str) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code)})


def check_document(upload: UploadedFile[bytes]) -> tuple[str, bytes]:
    """Validate an uploaded document: size, extension, declared type and first bytes. Returns
    the extension and the content."""
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in DOCUMENT_TYPES:
        raise _file_error(
            _("Upload a PDF, Word, Excel, PowerPoint, OpenDocument or text file."), "document_type"
        )
    if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
        raise _file_error(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_DOCUMENT_BYTES // 2**20},
            "document_size",
        )
    if upload.size == 0:
        raise _file_error(_("The file is empty."), "document_empty")
    content = upload.read(MAX_DOCUMENT_BYTES + 1)
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    allowed = DOCUMENT_TYPES[extension]
    magic_ok = any(content.startswith(m) for m in DOCUMENT_MAGIC[extension])
    if extension == "txt":
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            magic_ok = False
    if (declared and declared not in allowed and declared != "application/octet-stream") or (
        not magic_ok
    ):
        raise _file_error(_("The file's content does not match its type."), "document_mismatch")
    return extension, content


@transaction.atomic
def attach_document(actor: Actor, topic: AgendaTopic, upload: UploadedFile[bytes]) -> Document:
    """Attach a document to an agenda topic, after checking its size and type."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    extension, content = check_document(upload)
    document = Document.objects.create(
        topic=topic,
        name=(upload.name or f"document.{extension}")[-200:],
        content_type=DOCUMENT_TYPES[extension][0],
        size=len(content),
        content=content,
        uploaded_by_name=actor.audit_name,
    )
    log("programme.document_attached", actor, document, AuditAction.CREATE, topic=topic.pk)
    return document


@transaction.atomic
def save_minutes(actor: Actor, meeting: BodyMeeting, *, minutes: str) -> BodyMeeting:
    """Write the minutes of a meeting."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    meeting.minutes = minutes.strip()
    meeting.save(update_fields=["minutes", "updated_at"])
    log("programme.minutes_saved", actor, meeting)
    return meeting


@transaction.atomic
def record_attendance(
    actor: Actor, meeting: BodyMeeting, statuses: Mapping[int, str]
) -> list[MeetingAttendance]:
    """Record who attended (professional id → present/absent)."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    rows = {a.professional_id: a for a in meeting.attendance.all()}
    changed = []
    for professional_id, status in statuses.items():
        if status not in Attendance.values:
            raise ValidationError(_("Unknown attendance."))
        row = rows.get(professional_id)
        if row is None:
            raise ValidationError(_("This person is not on the attendance list."))
        if row.status != status:
            row.status = status
            changed.append(row)
    MeetingAttendance.objects.bulk_update(changed, ["status"])
    log("programme.attendance_recorded", actor, meeting, changed=len(changed))
    return changed


def _next_number(body: Body, year: int) -> int:
    last = Decision.objects.filter(body=body, year=year).aggregate(m=Max("number"))["m"]
    return (last or 0) + 1


def record_decision(
    actor: Actor,
    body: Body,
    *,
    decided_on: dt.date,
    title: str,
    text: str = "",
    meeting: BodyMeeting | None = None,
    adopts: Iterable[Deliverable] = (),
) -> Decision:
    """Add a decision to a body's numbered list (SG-2026-07: number per body per year), and
    adopt the deliverables it names. A decision dated in the future is refused. The steering
    group (RECORD_DECISIONS) and the coordinator as its secretary (MANAGE_PROGRAMME) record."""
    ensure_any(actor, Permission.RECORD_DECISIONS, Permission.MANAGE_PROGRAMME)
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("A decision cannot be dated in the future.")})
    if not title.strip():
        raise ValidationError({"title": _("Write down what was decided.")})
    if meeting is not None and meeting.body_id != body.pk:
        raise ValidationError({"meeting": _("This meeting is of another body.")})
    if meeting is not None and timezone.localdate(meeting.starts_at) != decided_on:
        raise ValidationError({"decided_on": _("A decision in a meeting has the meeting's date.")})
    for attempt in range(3):
        try:
            with transaction.atomic():
                decision = Decision.objects.create(
                    body=body,
                    meeting=meeting,
                    year=decided_on.year,
                    number=_next_number(body, decided_on.year),
                    decided_on=decided_on,
                    title=title.strip(),
                    text=text.strip(),
                    recorded_by_name=actor.audit_name,
                )
                log(
                    "programme.decision_recorded",
                    actor,
                    decision,
                    AuditAction.CREATE,
                    reference=decision.reference,
                )
                from .plan import adopt_deliverable

                for deliverable in adopts:
                    adopt_deliverable(actor, deliverable, decision)
                return decision
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def decision_choices(body_kind: str | None = None) -> list[tuple[int, str]]:
    """Decisions for other apps to refer to (a KPI target, a definition): (id, "SG-2026-07
    title"), newest first. One query."""
    qs = Decision.objects.select_related("body").order_by("-decided_on", "-number")
    if body_kind:
        qs = qs.filter(body__kind=body_kind)
    return [(d.pk, f"{d.reference} {d.title}") for d in qs]


def get_decision(pk: int) -> Decision | None:
    """One decision by id (for other apps showing a reference), or None."""
    return Decision.objects.select_related("body", "meeting").filter(pk=pk).first()


@transaction.atomic
def add_action(
    actor: Actor,
    meeting: BodyMeeting,
    *,
    description: str,
    owner: Professional,
    due_on: dt.date,
) -> ProgrammeAction:
    """Record an action agreed in a meeting; it appears on the owner's start page."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if not description.strip():
        raise ValidationError({"description": _("Describe the action.")})
    if due_on < timezone.localdate(meeting.starts_at):
        raise ValidationError({"due_on": _("The due date cannot be before the meeting.")})
    action = ProgrammeAction.objects.create(
        meeting=meeting, description=description.strip(), owner=owner, due_on=due_on
    )
    log("programme.action_added", actor, action, AuditAction.CREATE, owner=owner.pk)
    return action


@transaction.atomic
def complete_action(actor: Actor, action: ProgrammeAction) -> ProgrammeAction:
    """Mark an action done: by its owner, or by the programme team."""
    owner_user = action.owner.user_id
    is_owner = actor.user is not None and owner_user == actor.user.pk
    if not (is_owner or actor.has(Permission.MANAGE_PROGRAMME)):
        raise PermissionDenied
    if action.done_on is None:
        action.done_on = timezone.localdate()
        action.save(update_fields=["done_on"])
        log("programme.action_done", actor, action)
    return action
