"""Registering a death (the data the network's KPIs are computed from)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.notifications.messages import message
from palliare.notifications.services import notify

from ..constants import PlaceOfDeath, YesNoUnknown
from ..models import DeathRegistration, Patient
from .common import actor_name, care_team_users, ensure_can_view, not_in_future

#: Hospital admissions or emergency visits in the last 30 days: more than this is a typing
#: error (one a day is already far beyond what the register has seen).
MAX_EVENTS_30D = 30


def death_answer_errors(data: dict[str, Any]) -> dict[str, list[str]]:
    """Contradictions between the answers of a death registration, per field (all at once, so
    the form reports them in one round): the place of death against the preferred place and
    whether it was achieved, and counts beyond what 30 days can hold."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    place = data.get("place_of_death") or ""
    known = data.get("preferred_place_known") or ""
    preferred = data.get("preferred_place") or ""
    achieved = data.get("preferred_place_achieved") or ""
    if known == YesNoUnknown.YES and not preferred:
        add("preferred_place", str(_("Choose the preferred place of death.")))
    if known != YesNoUnknown.YES and preferred:
        add(
            "preferred_place_known",
            str(_("A preferred place is given: answer yes, or clear the preferred place.")),
        )
    if achieved == YesNoUnknown.YES and not (known == YesNoUnknown.YES and preferred):
        add(
            "preferred_place_achieved",
            str(_("Only when the preferred place of death was known can it have been achieved.")),
        )
    comparable = place and preferred and PlaceOfDeath.OTHER not in (place, preferred)
    if comparable and achieved == YesNoUnknown.YES and place != preferred:
        add(
            "preferred_place_achieved",
            str(
                _(
                    "The patient died in another place (%(place)s) than the preferred place "
                    "(%(preferred)s): the preferred place was not achieved."
                )
                % {"place": PlaceOfDeath(place).label, "preferred": PlaceOfDeath(preferred).label}
            ),
        )
    if comparable and achieved == YesNoUnknown.NO and place == preferred:
        add(
            "preferred_place_achieved",
            str(
                _("The patient died at the preferred place (%(place)s): answer yes.")
                % {"place": PlaceOfDeath(place).label}
            ),
        )
    for field in ("hospital_admissions_30d", "emergency_visits_30d"):
        count = data.get(field)
        if count is not None and count > MAX_EVENTS_30D:
            add(
                field,
                str(_("At most %(n)s in 30 days; check the number.") % {"n": MAX_EVENTS_30D}),
            )
    return errors


@transaction.atomic
def register_death(actor: Actor, patient: Patient, *, data: dict[str, Any]) -> DeathRegistration:
    """Register (or correct, as a new version) the death of a patient. Contradictory answers
    are refused (:func:`death_answer_errors`), on every input path."""
    actor.require(Permission.REGISTER_DEATH)
    ensure_can_view(actor, patient)
    contradictions = death_answer_errors(data)
    if contradictions:
        raise ValidationError(contradictions)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    not_in_future(data["date_of_death"], "date_of_death")
    if data["date_of_death"] < patient.date_of_birth:
        raise ValidationError(
            {"date_of_death": _("The date of death lies before the date of birth.")}
        )
    previous = patient.death_registrations.order_by("-version").first()
    assert actor.user is not None and actor.organization is not None
    registration = DeathRegistration(
        patient=patient,
        version=(previous.version + 1) if previous else 1,
        recorded_by=actor.user,
        recorded_by_name=actor_name(actor),
        organization=actor.organization,
        **data,
    )
    registration.full_clean(exclude=["patient", "recorded_by", "organization"])
    registration.save()
    patient.date_of_death = registration.date_of_death
    patient.save(update_fields=["date_of_death", "updated_at"])
    audit.record(
        "patient.death_registered" if previous is None else "patient.death_corrected",
        actor=actor,
        action=AuditAction.CREATE if previous is None else AuditAction.UPDATE,
        patient_id=patient.pk,
        subject=registration,
        purpose=AuditPurpose.TREATMENT,
    )
    if previous is None:
        notify(
            care_team_users(patient),
            kind="patient.died",
            title=message(gettext_noop("A patient in your care team has died")),
            url=reverse("patients:detail", args=[patient.pk]),
            patient_id=patient.pk,
            exclude=actor.user,
        )
    return registration
