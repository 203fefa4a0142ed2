"""Care contacts (zib Contact): recording them as immutable versions and opening one.

Access: a contact about a patient goes through the patient access policy
(``patients.access``), exactly like the patient's other records. A contact without a patient
holds no patient data; it is the sending organisation's: people and systems of that
organisation with permission to view patients may read it, its systems may change it, and it
never appears in a patient's list. Every read and write is in the access log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditOutcome, AuditPurpose
from palliare.organizations.models import Location, Membership, Organization, Professional

from .. import access
from ..constants import ContactClass, ContactStatus
from ..models import Patient
from ..models.contacts import CareContact, CareContactVersion
from ..suggestions.engine import recompute_soon


@dataclass(frozen=True)
class ContactData:
    """The content of one version of a care contact."""

    contact_class: str
    status: str
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    memberships: list[Membership] = field(default_factory=list)
    professionals: list[Professional] = field(default_factory=list)
    location: Location | None = None
    location_organization: Organization | None = None
    admit_source: tuple[str, str] = ("", "")
    discharge_disposition: tuple[str, str] = ("", "")

    def same_as(self, version: CareContactVersion | None) -> bool:
        if version is None:
            return False
        return (
            self.contact_class == version.contact_class
            and self.status == version.status
            and self.start_date == version.start_date
            and self.end_date == version.end_date
            and {m.pk for m in self.memberships}
            == set(version.participant_memberships.values_list("pk", flat=True))
            and {p.pk for p in self.professionals}
            == set(version.participant_professionals.values_list("pk", flat=True))
            and (self.location.pk if self.location else None) == version.location_id
            and (self.location_organization.pk if self.location_organization else None)
            == version.location_organization_id
            and self.admit_source == (version.admit_source_code, version.admit_source_display)
            and self.discharge_disposition
            == (version.discharge_disposition_code, version.discharge_disposition_display)
        )


def validate_contact(data: ContactData) -> None:
    """The bad-input rules of a care contact (keys name the field)."""
    errors: dict[str, list[Any]] = {}
    if data.contact_class not in ContactClass.values:
        errors["contact_class"] = [_("Choose the kind of contact from the list.")]
    if data.status not in ContactStatus.values:
        errors["status"] = [_("Choose the status of the contact from the list.")]
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors["end_date"] = [_("A contact cannot end before it started.")]
    for name, (code, _display) in (
        ("admit_source", data.admit_source),
        ("discharge_disposition", data.discharge_disposition),
    ):
        if code and not (code.isdigit() and 6 <= len(code) <= 18):
            errors[name] = [_("Give a SNOMED CT code (6 to 18 digits).")]
    if errors:
        raise ValidationError(errors)


def _ensure_can_record(
    actor: Actor, patient: Patient | None, contact: CareContact | None
) -> AuditPurpose:
    """The legal ground of the write; PermissionDenied when there is none."""
    if actor.organization_id is None or not actor.has(Permission.EDIT_CARE_PLAN):
        raise PermissionDenied
    if contact is not None and contact.sender_organization_id != actor.organization_id:
        raise PermissionDenied
    if patient is None:
        return AuditPurpose.TREATMENT
    purpose = access.access_purpose(actor, patient)
    if purpose is None:
        raise PermissionDenied
    return purpose


@transaction.atomic
def record_care_contact(
    actor: Actor,
    *,
    patient: Patient | None,
    data: ContactData,
    contact: CareContact | None = None,
) -> CareContact:
    """Record a new contact, or a new version of ``contact`` (nothing is overwritten; an
    unchanged contact gets no new version)."""
    purpose = _ensure_can_record(actor, patient, contact)
    validate_contact(data)
    if contact is None:
        assert actor.organization_id is not None
        contact = CareContact.objects.create(
            patient=patient,
            sender_organization_id=actor.organization_id,
            sender_name=actor.audit_name[:200],
        )
    else:
        contact = CareContact.objects.select_for_update().get(pk=contact.pk)
        if contact.patient_id is not None and patient is None:
            raise ValidationError(
                {
                    "patient": [
                        _("This contact belongs to a patient: name the patient to change it.")
                    ]
                }
            )
        if contact.patient_id not in (None, patient.pk if patient else None):
            raise ValidationError(
                {"patient": [_("This contact belongs to another patient.")]},
            )
    previous = contact.current_version
    if data.same_as(previous) and contact.patient_id == (patient.pk if patient else None):
        return contact
    version = CareContactVersion.objects.create(
        contact=contact,
        number=contact.current_number + 1,
        contact_class=data.contact_class,
        status=data.status,
        start_date=data.start_date,
        end_date=data.end_date,
        location=data.location,
        location_organization=data.location_organization,
        admit_source_code=data.admit_source[0],
        admit_source_display=data.admit_source[1][:200],
        discharge_disposition_code=data.discharge_disposition[0],
        discharge_disposition_display=data.discharge_disposition[1][:200],
        author_name=actor.audit_name[:200],
    )
    version.participant_memberships.set(data.memberships)
    version.participant_professionals.set(data.professionals)
    contact.patient = patient
    contact.current_number = version.number
    contact.current_version = version
    contact.updated_at = version.created_at
    contact.save(update_fields=["patient", "current_number", "current_version", "updated_at"])
    audit.record(
        "patients.care_contact_recorded",
        actor=actor,
        action=AuditAction.CREATE if version.number == 1 else AuditAction.UPDATE,
        patient_id=patient.pk if patient else None,
        subject=version,
        purpose=purpose,
        details={"version": version.number, "with_patient": patient is not None},
    )
    recompute_soon(contact.patient_id)
    return contact


def may_read_without_patient(actor: Actor, contact: CareContact) -> bool:
    """A contact without a patient: its sending organisation's people and systems that may
    view patients."""
    return (
        contact.patient_id is None
        and actor.organization_id is not None
        and actor.organization_id == contact.sender_organization_id
        and actor.has(Permission.VIEW_PATIENT)
    )


def care_contact_for(
    actor: Actor, pk: int, *, event: str, details: dict[str, str] | None = None
) -> CareContact:
    """Open one care contact for ``actor`` and log it; Http404 when missing or not allowed
    (the two look alike)."""
    contact = (
        CareContact.objects.select_related("current_version", "sender_organization")
        .filter(pk=pk)
        .first()
    )
    if contact is None or contact.current_version is None:
        raise Http404
    if contact.patient_id is not None:
        access.get_patient_for(actor, contact.patient_id, event=event, details=details)
        return contact
    if not may_read_without_patient(actor, contact):
        audit.record(
            "patients.care_contact_access_denied",
            actor=actor,
            action=AuditAction.READ,
            subject=contact,
            outcome=AuditOutcome.DENIED,
            details={"attempted": event},
        )
        raise Http404
    audit.record(
        event,
        actor=actor,
        action=AuditAction.READ,
        subject=contact,
        purpose=AuditPurpose.TREATMENT,
        details={**(details or {}), "without_patient": "yes"},
    )
    return contact


def care_contacts_of(patients: list[Patient]) -> list[CareContact]:
    """The contacts of patients the caller has already opened (access checked and logged)."""
    if not patients:
        return []
    return list(
        CareContact.objects.filter(patient__in=patients, current_version__isnull=False)
        .select_related(
            "patient",
            "current_version__location",
            "current_version__location_organization",
        )
        .prefetch_related(
            "current_version__participant_memberships",
            "current_version__participant_professionals",
        )
        .order_by("patient_id", "pk")
    )
