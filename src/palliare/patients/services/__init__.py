"""Services of the palliative register: every change to register data goes through these
functions, which check access, change state and write the access log in one transaction.

Other apps import from here (``from palliare.patients import services``)."""

from .careteam import (
    KeyContacts,
    add_care_team_member,
    add_caregiver,
    current_care_team,
    end_care_team_member,
    key_contacts,
    record_burden_check,
    record_volunteer_step,
    set_central_contact,
)
from .common import ConflictError, DuplicatePatientError
from .consent import (
    has_active_consent,
    open_scopes,
    record_consent,
    record_consents,
    with_active_consent,
    withdraw_consent,
)
from .death import register_death
from .marking import mark_patient, record_screening, set_urgency, unmark_patient
from .patients import register_patient, update_patient
from .signals import acknowledge_signal, handle_signal, send_signal

__all__ = [
    "ConflictError",
    "DuplicatePatientError",
    "KeyContacts",
    "acknowledge_signal",
    "add_care_team_member",
    "add_caregiver",
    "current_care_team",
    "end_care_team_member",
    "handle_signal",
    "has_active_consent",
    "key_contacts",
    "mark_patient",
    "open_scopes",
    "record_burden_check",
    "record_consent",
    "record_consents",
    "record_screening",
    "record_volunteer_step",
    "register_death",
    "register_patient",
    "send_signal",
    "set_central_contact",
    "set_urgency",
    "unmark_patient",
    "update_patient",
    "with_active_consent",
    "withdraw_consent",
]
