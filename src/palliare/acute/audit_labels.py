"""What this app's access-log events mean for the patient's access report (autodiscovered by
the audit app)."""

from django.utils.translation import gettext_lazy as _

from palliare.audit import labels

labels.register(
    {
        "acute.search": _("searched for the patient in the acute view"),
        "acute.summary_read": _("opened the acute summary"),
        "acute.no_shared_plan": _("looked for the acute summary (not shared)"),
        "acute.open_refused": _(
            "tried to open the acute summary without searching (refused, nothing shown)"
        ),
        "acute.emergency_access_started": _("used emergency access"),
        "acute.review_read": _("opened an emergency access to review it"),
        "acute.emergency_access_reviewed": _("reviewed an emergency access"),
        "acute.review_queue_read": _("saw the patient in the list of emergency accesses to review"),
    }
)
