"""What the access report's own events mean in the report (autodiscovered like every app's).

The event types keep the ``acute.`` prefix they had before the report moved here (issue 19 item
15): the access log is append-only, and one name per kind of event keeps old and new rows one
series for the privacy officer."""

from django.utils.translation import gettext_lazy as _

from . import labels

labels.register(
    {
        "acute.access_report_read": _("viewed this access report"),
        "acute.access_report_exported": _("downloaded this access report"),
        "acute.access_report_find": _("looked the patient up to produce this access report"),
    }
)
