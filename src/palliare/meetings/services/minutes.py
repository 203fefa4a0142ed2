"""Minutes per patient discussed (append-only versions, concurrent edits detected) and the
action items that land on their owner's start page until done."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from palliare.accounts.actors import Actor
from palliare.audit.constants import AuditAction
from palliare.notifications.messages import DateParam, message
from palliare.notifications.services import notify
from palliare.organizations.models import Organization, Professional
from palliare.patients import access as patient_access
from palliare.patients.constants import Dimension

from .. import access
from ..constants import ActionEventKind, MeetingStatus
from ..models import ActionItem, ActionItemEvent, AgendaItem, MinutesVersion
from .common import ConflictError, actor_name, log


def current_minutes(item: AgendaItem) -> MinutesVersion | None:
    return item.minutes_versions.order_by("-version").first()


def _ensure_can_minute(actor: Actor, item: AgendaItem) -> None:
    access.ensure_manages(actor, item.meeting.core_team)
    if item.meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    if item.is_removed:
        raise ValidationError(_("This patient was taken off the agenda."))
    if patient_access.access_purpose(actor, item.patient) is None:
        raise PermissionDenied


@transaction.atomic
def save_minutes(
    actor: Actor, item: AgendaItem, *, data: dict[str, str], expected_version: int
) -> MinutesVersion | None:
    """Save the minutes about one patient as a new version. ``expected_version`` is the version
    the writer started from; if someone saved in between, nothing is saved (ConflictError)."""
    _ensure_can_minute(actor, item)
    locked = AgendaItem.objects.select_for_update().get(pk=item.pk)
    current = current_minutes(locked)
    if locked.minutes_version != expected_version:
        raise ConflictError(locked.minutes_version, current.author_name if current else "")
    content = {name: (data.get(name) or "").strip() for name in MinutesVersion.CONTENT_FIELDS}
    before = current.content() if current else dict.fromkeys(MinutesVersion.CONTENT_FIELDS, "")
    if content == before:
        return current
    if current is None and not any(content.values()):
        return None
    assert actor.user is not None
    version = MinutesVersion(
        agenda_item=locked,
        version=locked.minutes_version + 1,
        author=actor.user,
        author_name=actor_name(actor),
        **content,
    )
    version.full_clean(exclude=["agenda_item", "author"])
    version.save()
    locked.minutes_version = version.version
    locked.save(update_fields=["minutes_version"])
    item.minutes_version = version.version
    changed = sorted(k for k in content if content[k] != before[k])
    log(
        "meeting.minutes_saved",
        actor,
        AuditAction.CREATE if version.version == 1 else AuditAction.UPDATE,
        version,
        patient_id=item.patient_id,
        version=version.version,
        changed=",".join(changed),
    )
    return version


def _owner_organization(
    owner: Professional | None, organization: Organization | None, item: AgendaItem
) -> Organization:
    """The organisation acting on the action; it must be allowed to see the patient."""
    patient = item.patient
    if owner is not None:
        orgs = [m.organization for m in owner.memberships.current().select_related("organization")]
        if not orgs:
            raise ValidationError({"owner": _("This professional has no current organisation.")})
        if organization is not None:
            if organization.pk not in {o.pk for o in orgs}:
                raise ValidationError(
                    {"owner": _("This professional does not work at the chosen organisation.")}
                )
            orgs = [organization]
        for org in orgs:
            if access.organization_may_see(org, patient):
                return org
        who = owner.full_name
    else:
        assert organization is not None
        if access.organization_may_see(organization, patient):
            return organization
        who = organization.name
    raise ValidationError(
        {
            "owner": _(
                "%(who)s may not see this patient: their organisation is not in the care team, "
                "or the patient has not consented to sharing outside the GP practice. Add them "
                "to the care team (with consent) first, or give the action to someone in the GP "
                "practice."
            )
            % {"who": who}
        }
    )


@transaction.atomic
def add_action_item(
    actor: Actor,
    item: AgendaItem,
    *,
    description: str,
    due_on: dt.date,
    owner: Professional | None = None,
    owner_organization: Organization | None = None,
    dimension: Dimension | str = "",
) -> ActionItem:
    """Agree an action about the patient: it appears on the owner's start page until done."""
    _ensure_can_minute(actor, item)
    if not description.strip():
        raise ValidationError({"description": _("Describe what needs to be done.")})
    if owner is None and owner_organization is None:
        raise ValidationError({"owner": _("Choose who will do this.")})
    meeting_day = timezone.localdate(item.meeting.starts_at)
    if due_on < min(meeting_day, timezone.localdate()):
        raise ValidationError({"due_on": _("The due date lies before the meeting.")})
    organization = _owner_organization(owner, owner_organization, item)
    assert actor.user is not None
    action = ActionItem.objects.create(
        meeting=item.meeting,
        agenda_item=item,
        patient=item.patient,
        description=description.strip(),
        dimension=dimension,
        owner=owner,
        owner_organization=organization,
        due_on=due_on,
        created_by=actor.user,
        created_by_name=actor_name(actor),
    )
    ActionItemEvent.objects.create(
        action_item=action, kind=ActionEventKind.CREATED, by=actor.user, by_name=actor_name(actor)
    )
    log(
        "meeting.action_added",
        actor,
        AuditAction.CREATE,
        action,
        patient_id=item.patient_id,
        owner=action.owner_label,
        due_on=due_on,
    )
    if owner is not None and owner.user is not None:
        notify(
            [owner.user],
            kind="meeting.action",
            title=message(
                gettext_noop("New action for you from the meeting of %(date)s, due %(due)s"),
                date=DateParam(meeting_day, "MONTH_DAY_FORMAT"),
                due=DateParam(due_on, "MONTH_DAY_FORMAT"),
            ),
            url=reverse("meetings:my_actions"),
            patient_id=item.patient_id,
            email=True,
            exclude=actor.user,
        )
    return action


def _ensure_may_tick(actor: Actor, action: ActionItem) -> None:
    is_owner = actor.user is not None and (
        (action.owner is not None and action.owner.user_id == actor.user.pk)
        or (action.owner is None and action.owner_organization_id == actor.organization_id)
    )
    if not is_owner and not access.manages(actor, action.meeting.core_team):
        raise PermissionDenied


@transaction.atomic
def complete_action_item(actor: Actor, action: ActionItem, *, note: str = "") -> ActionItem:
    """The owner (or the core team) marks the action done; who and when are kept."""
    _ensure_may_tick(actor, action)
    locked = ActionItem.objects.select_for_update().get(pk=action.pk)
    if locked.done_at is not None:
        raise ValidationError(_("This action is already done."))
    assert actor.user is not None
    locked.done_at, locked.done_by_name = timezone.now(), actor_name(actor)
    locked.save(update_fields=["done_at", "done_by_name"])
    ActionItemEvent.objects.create(
        action_item=locked,
        kind=ActionEventKind.DONE,
        by=actor.user,
        by_name=actor_name(actor),
        note=note.strip()[:300],
    )
    log("meeting.action_done", actor, AuditAction.UPDATE, locked, patient_id=locked.patient_id)
    return locked


@transaction.atomic
def reopen_action_item(actor: Actor, action: ActionItem, *, note: str = "") -> ActionItem:
    """Undo "done": the action is open again (both steps stay in its history)."""
    _ensure_may_tick(actor, action)
    locked = ActionItem.objects.select_for_update().get(pk=action.pk)
    if locked.done_at is None:
        raise ValidationError(_("This action is still open."))
    assert actor.user is not None
    locked.done_at, locked.done_by_name = None, ""
    locked.save(update_fields=["done_at", "done_by_name"])
    ActionItemEvent.objects.create(
        action_item=locked,
        kind=ActionEventKind.REOPENED,
        by=actor.user,
        by_name=actor_name(actor),
        note=note.strip()[:300],
    )
    log("meeting.action_reopened", actor, AuditAction.UPDATE, locked, patient_id=locked.patient_id)
    return locked
