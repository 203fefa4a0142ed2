"""What this app's access-log events mean for the patient's access report (autodiscovered by
the audit app)."""

from django.utils.translation import gettext_lazy as _

from palliare.audit import labels

labels.register(
    {
        "notifications.patients_shown": _("saw the patient's name in a notification"),
    }
)
