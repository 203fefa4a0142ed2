"""The care team, the central contact, informal caregivers and volunteers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.db.precompiled import PrecompiledQuery
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Organization, Professional

from ..constants import BURDEN_OVERLOADED_FROM, CareTeamRole, VolunteerStatus
from ..models import BurdenCheck, CareTeamMember, InformalCaregiver, Patient, VolunteerDeployment
from .common import actor_name, ensure_can_view, not_in_future


def current_care_team(patient: Patient) -> QuerySet[CareTeamMember]:
    return _current_team(patient.pk)


def _current_team(patient_id: int) -> QuerySet[CareTeamMember]:
    return (
        CareTeamMember.objects.current()
        .filter(patient_id=patient_id)
        .select_related("organization", "professional")
    )


@dataclass(frozen=True)
class KeyContacts:
    """The two care-team members every summary names: the central contact and the lead
    practitioner (the same member may be both; either may be missing)."""

    central_contact: CareTeamMember | None
    lead_practitioner: CareTeamMember | None

    @classmethod
    def of(cls, team: Iterable[CareTeamMember]) -> KeyContacts:
        members = list(team)
        return cls(
            next((m for m in members if m.is_central_contact), None),
            next((m for m in members if m.is_lead_practitioner), None),
        )


def _key_members(patient_id: int) -> QuerySet[CareTeamMember]:
    return (
        _current_team(patient_id)
        .filter(Q(is_central_contact=True) | Q(is_lead_practitioner=True))
        .order_by()
    )


#: Compiled once per process: every summary, the acute one included, names these two
#: (decision 0021).
KEY_MEMBERS = PrecompiledQuery(_key_members, patient_id=int)


def key_contacts(patient: Patient) -> KeyContacts:
    """The central contact and lead practitioner, without loading the rest of the team."""
    return KeyContacts.of(KEY_MEMBERS.fetch(patient_id=patient.pk))


def _log(
    actor: Actor, event: str, member: CareTeamMember, action: AuditAction, **details: str
) -> None:
    audit.record(
        event,
        actor=actor,
        action=action,
        patient_id=member.patient_id,
        subject=member,
        purpose=AuditPurpose.TREATMENT,
        details={
            "organization": member.organization.name,
            "professional": member.professional.full_name if member.professional else "",
            **details,
        },
    )


@transaction.atomic
def add_care_team_member(
    actor: Actor,
    patient: Patient,
    *,
    organization: Organization,
    role: CareTeamRole,
    professional: Professional | None = None,
    phone: str = "",
    note: str = "",
    central_contact: bool = False,
) -> CareTeamMember:
    """Add an organisation or professional to the care team."""
    actor.require(Permission.MANAGE_CARE_TEAM)
    ensure_can_view(actor, patient)
    if (
        professional is not None
        and not professional.memberships.current().filter(organization=organization).exists()
    ):
        raise ValidationError(
            {"professional": _("This professional does not work at the chosen organisation.")}
        )
    duplicate = current_care_team(patient).filter(
        organization=organization, professional=professional, role=role
    )
    if duplicate.exists():
        raise ValidationError(_("This member is already in the care team."))
    if central_contact and current_care_team(patient).filter(is_central_contact=True).exists():
        raise ValidationError(
            {
                "central_contact": _(
                    'This patient already has a central contact. Use "make '
                    'central contact" to hand the role over.'
                )
            }
        )
    assert actor.user is not None
    try:
        with transaction.atomic():
            member = CareTeamMember.objects.create(
                patient=patient,
                organization=organization,
                professional=professional,
                role=role,
                phone=phone,
                note=note,
                is_central_contact=central_contact,
                added_by=actor.user,
                added_by_name=actor_name(actor),
            )
    except IntegrityError as exc:  # a concurrent second central contact
        raise ValidationError(_("This patient already has a central contact.")) from exc
    _log(actor, "care_team.member_added", member, AuditAction.CREATE, role=str(role))
    return member


def _end(member: CareTeamMember, actor: Actor, reason: str) -> None:
    member.ended_at = timezone.now()
    member.ended_by_name = actor_name(actor)
    member.end_reason = reason
    member.save(update_fields=["ended_at", "ended_by_name", "end_reason"])


def _successor(member: CareTeamMember, actor: Actor, **changes: bool) -> CareTeamMember:
    assert actor.user is not None
    return CareTeamMember.objects.create(
        patient=member.patient,
        organization=member.organization,
        professional=member.professional,
        role=member.role,
        phone=member.phone,
        note=member.note,
        is_central_contact=changes.get("central", member.is_central_contact),
        is_lead_practitioner=member.is_lead_practitioner,
        added_by=actor.user,
        added_by_name=actor_name(actor),
    )


@transaction.atomic
def end_care_team_member(actor: Actor, member: CareTeamMember, *, reason: str) -> None:
    """Take someone out of the care team (the row is kept as history)."""
    actor.require(Permission.MANAGE_CARE_TEAM)
    ensure_can_view(actor, member.patient)
    if member.ended_at is not None:
        raise ValidationError(_("This member already left the care team."))
    if member.is_lead_practitioner:
        raise ValidationError(_("The lead practitioner cannot be removed from the care team."))
    _end(member, actor, reason or gettext("left the care team"))
    _log(actor, "care_team.member_ended", member, AuditAction.UPDATE, reason=reason)


@transaction.atomic
def set_central_contact(actor: Actor, member: CareTeamMember) -> CareTeamMember:
    """Make ``member`` the one central contact, handing the role over from the previous one.
    Both changes are kept as history (old rows end, new rows start)."""
    actor.require(Permission.MANAGE_CARE_TEAM)
    patient = Patient.objects.select_for_update().get(pk=member.patient_id)
    ensure_can_view(actor, patient)
    member = CareTeamMember.objects.select_for_update().get(pk=member.pk)
    if member.ended_at is not None:
        raise ValidationError(_("This member is no longer in the care team."))
    if member.is_central_contact:
        return member
    for previous in current_care_team(patient).filter(is_central_contact=True):
        _end(previous, actor, gettext("central contact handed over"))
        _successor(previous, actor, central=False)
        _log(actor, "care_team.central_contact_ended", previous, AuditAction.UPDATE)
    _end(member, actor, gettext("became central contact"))
    successor = _successor(member, actor, central=True)
    _log(actor, "care_team.central_contact_set", successor, AuditAction.UPDATE)
    return successor


@transaction.atomic
def add_caregiver(actor: Actor, patient: Patient, **data: object) -> InformalCaregiver:
    actor.require(Permission.MANAGE_CARE_TEAM)
    ensure_can_view(actor, patient)
    caregiver = InformalCaregiver(patient=patient, **data)
    caregiver.full_clean()
    caregiver.save()
    audit.record(
        "caregiver.added",
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        subject=caregiver,
        purpose=AuditPurpose.TREATMENT,
    )
    return caregiver


@transaction.atomic
def record_burden_check(
    actor: Actor, caregiver: InformalCaregiver, *, checked_on: dt.date, score: int, note: str = ""
) -> BurdenCheck:
    """Record how heavy caring is now. Any care-team member with access may record it."""
    actor.require(Permission.VIEW_PATIENT)
    ensure_can_view(actor, caregiver.patient)
    assert actor.user is not None
    check = BurdenCheck(
        caregiver=caregiver,
        checked_on=checked_on,
        score=score,
        note=note,
        checked_by=actor.user,
        checked_by_name=actor_name(actor),
    )
    check.full_clean(exclude=["caregiver", "checked_by"])
    not_in_future(check.checked_on, "checked_on")
    check.save()
    audit.record(
        "caregiver.burden_checked",
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=caregiver.patient_id,
        subject=check,
        purpose=AuditPurpose.TREATMENT,
        details={"score": str(score), "overloaded": str(score >= BURDEN_OVERLOADED_FROM)},
    )
    return check


def _latest_step(patient: Patient) -> VolunteerDeployment | None:
    return (
        VolunteerDeployment.objects.select_for_update()
        .filter(patient=patient)
        .order_by("-created_at", "-pk")
        .first()
    )


def _is_volunteer_organisation(actor: Actor, organization_id: int | None) -> bool:
    return organization_id is not None and actor.organization_id == organization_id


@transaction.atomic
def record_volunteer_step(
    actor: Actor,
    patient: Patient,
    *,
    status: VolunteerStatus,
    organization: Organization | None = None,
    note: str = "",
) -> VolunteerDeployment:
    """Record the next step in deploying terminal-care volunteers (VPTZ). The care team
    discusses and requests (naming the volunteer organisation, which is notified and finds the
    request in its inbox); only that organisation accepts or declines, and reports the
    deployment active and ended (:meth:`VolunteerDeployment.check_step` guards the order).
    Accepting adds the organisation to the care team, so its coordinator may then see the
    patient through the access policy; the requester is told of the answer."""
    actor.require(Permission.VIEW_PATIENT)
    previous = _latest_step(patient)
    previous_status = previous.status if previous is not None else None
    VolunteerDeployment.check_step(previous_status, status)
    if status in VolunteerDeployment.ORGANISATION_STEPS:
        assert previous is not None  # check_step: these never come first
        organization = previous.organization
        if not _is_volunteer_organisation(actor, previous.organization_id):
            raise PermissionDenied
    else:
        ensure_can_view(actor, patient)
        if status == VolunteerStatus.REQUESTED and (
            organization is None or organization.type != OrganizationType.VOLUNTEER_ORGANIZATION
        ):
            raise ValidationError(
                {"organization": _("Choose the volunteer organisation to send the request to.")}
            )
    assert actor.user is not None
    step = VolunteerDeployment.objects.create(
        patient=patient,
        status=status,
        organization=organization,
        note=note,
        recorded_by=actor.user,
        recorded_by_name=actor_name(actor),
    )
    audit.record(
        "volunteers.step_recorded",
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        subject=step,
        purpose=AuditPurpose.TREATMENT,
        details={"status": str(status)},
    )
    in_team = CareTeamMember.objects.current().filter(patient=patient, organization=organization)
    if status == VolunteerStatus.ACCEPTED and organization is not None and not in_team.exists():
        CareTeamMember.objects.create(
            patient=patient,
            organization=organization,
            professional=actor.membership.professional if actor.membership else None,
            role=CareTeamRole.VOLUNTEER,
            added_by=actor.user,
            added_by_name=actor_name(actor),
        )
    _notify_volunteer_step(step, previous, actor)
    return step


def _notify_volunteer_step(
    step: VolunteerDeployment, previous: VolunteerDeployment | None, actor: Actor
) -> None:
    from django.urls import reverse
    from django.utils.translation import gettext_noop

    from palliare.notifications.messages import message
    from palliare.notifications.services import notify

    from .common import practice_users

    if step.status == VolunteerStatus.REQUESTED and step.organization_id is not None:
        notify(
            practice_users(step.organization_id, Permission.VIEW_PATIENT),
            kind="volunteers.requested",
            title=message(gettext_noop("New request for terminal-care volunteers")),
            url=reverse("patients:volunteer_inbox"),
            email=True,
            exclude=actor.user,
        )
    elif step.status in (VolunteerStatus.ACCEPTED, VolunteerStatus.DECLINED) and previous:
        notify(
            [previous.recorded_by],
            kind="volunteers.answered",
            title=message(
                gettext_noop("The volunteer organisation answered your request: %(answer)s"),
                answer=VolunteerStatus(step.status).label,
            ),
            url=reverse("patients:detail", args=[step.patient_id]),
            patient_id=step.patient_id,
            email=True,
            exclude=actor.user,
        )
