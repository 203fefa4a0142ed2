"""What this app's access-log events mean for the patient's access report (autodiscovered by
the audit app)."""

from django.utils.translation import gettext_lazy as _

from palliare.audit import labels

labels.register(
    {
        "meeting.agenda_patient_added": _("put the patient on the agenda of a meeting"),
        "meeting.agenda_patient_removed": _("took the patient off the agenda of a meeting"),
        "meeting.minutes_saved": _("wrote the minutes of a meeting about the patient"),
        "meeting.action_added": _("agreed an action in a meeting"),
        "meeting.action_done": _("completed an agreed action"),
        "meeting.action_reopened": _("reopened an agreed action"),
        "meetings.agenda_viewed": _("saw the patient on the agenda of a meeting"),
        "meetings.agenda_patient_read": _("opened the patient's part of a meeting"),
        "meetings.agenda_patient_search": _("saw the patient when adding to an agenda"),
        "meetings.my_actions_viewed": _("saw the patient in a list of actions"),
        "meetings.worklist_actions_viewed": _("saw the patient in a list of actions"),
    }
)
