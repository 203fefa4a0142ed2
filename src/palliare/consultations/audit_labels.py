"""What this app's access-log events mean for the patient's access report (autodiscovered by
the audit app)."""

from django.utils.translation import gettext_lazy as _

from palliare.audit import labels

labels.register(
    {
        "consultations.request_created": _("asked for a consultation about the patient"),
        "consultations.request_accepted": _("accepted the consultation request"),
        "consultations.advice_recorded": _("recorded consultation advice"),
        "consultations.request_closed": _("closed the consultation request"),
        "consultations.request_read": _("opened the consultation request"),
    }
)
