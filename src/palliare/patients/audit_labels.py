"""What this app's access-log events mean for the patient's access report (autodiscovered by
the audit app)."""

from django.utils.translation import gettext_lazy as _

from palliare.audit import labels

labels.register(
    {
        "patient.read": _("opened the patient record"),
        "patient.timeline_read": _("opened the timeline"),
        "patient.created": _("registered the patient"),
        "patient.updated": _("changed registration data"),
        "patient.access_denied": _("tried to open the record (refused)"),
        "consent.recorded": _("recorded consent"),
        "consent.withdrawn": _("recorded withdrawal of consent"),
        "patient.marked": _("marked the palliative phase"),
        "patient.unmarked": _("ended the marking of the palliative phase"),
        "patient.screened": _("recorded signs of the palliative phase"),
        "patient.urgency_set": _("set the urgency"),
        "patient.read_for_signal": _("opened the patient to send a signal"),
        "patient.duplicate_registration": _(
            "tried to register the patient again (already registered)"
        ),
        "care_team.member_added": _("added someone to the care team"),
        "care_team.member_ended": _("took someone off the care team"),
        "care_team.central_contact_set": _("chose the central contact"),
        "care_team.central_contact_ended": _("ended the central contact"),
        "caregiver.added": _("recorded an informal caregiver"),
        "caregiver.burden_checked": _("recorded how heavy caring is for an informal caregiver"),
        "volunteers.step_recorded": _("recorded volunteer terminal care"),
        "volunteers.inbox_viewed": _("saw the patient in the volunteer organisation's requests"),
        "signal.sent": _("sent a signal to the GP practice"),
        "signal.acknowledged": _("read a signal"),
        "signal.handled": _("handled a signal"),
        "signals.inbox_viewed": _("saw the patient in the list of signals"),
        "signals.sent_viewed": _("saw the patient in the list of signals sent"),
        "signals.patients_listed": _("saw the patient in the list for sending a signal"),
        "patients.register_viewed": _("saw the patient in the palliative register"),
        "patients.worklist_viewed": _("saw the patient on a work list"),
        "patients.care_contact_recorded": _("recorded a care contact (visit or admission)"),
        "patients.care_contact_access_denied": _("tried to open a care contact (refused)"),
        "patients.problem_recorded": _("recorded a problem or diagnosis"),
        "patients.problem_withdrawn": _("withdrew a problem or diagnosis"),
        "patients.marking_suggestions_viewed": _(
            "saw the patient in the list of suggestions to consider marking"
        ),
        "marking_suggestion.read": _("opened a suggestion to consider marking"),
        "marking_suggestion.dismissed": _("dismissed a suggestion to consider marking"),
        "marking_suggestion.reopened": _("reopened a suggestion to consider marking"),
    }
)
