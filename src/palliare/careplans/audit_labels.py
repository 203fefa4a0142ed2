"""What this app's access-log events mean for the patient's access report (autodiscovered by
the audit app)."""

from django.utils.translation import gettext_lazy as _

from palliare.audit import labels

labels.register(
    {
        "careplans.plan_read": _("opened the care plan"),
        "careplans.plan_edit_read": _("opened the care plan to change it"),
        "careplans.version_read": _("opened an earlier version of the care plan"),
        "careplans.versions_compared": _("compared versions of the care plan"),
        "careplans.version_created": _("saved a new version of the care plan"),
        "careplans.save_conflict": _("tried to save the care plan (kept as draft)"),
        "careplans.draft_read": _("looked at a kept draft of the care plan"),
        "careplans.draft_discarded": _("discarded a draft of the care plan"),
        "careplans.print_read": _("opened the care plan for printing"),
        "careplans.printed": _("printed the care plan"),
        "careplans.list_read": _("saw the patient in the list of care plans"),
        "careplans.goals_viewed": _("saw the patient in their list of care-plan goals"),
        "careplans.worklist_viewed": _("saw the patient in the list of care plans"),
    }
)
