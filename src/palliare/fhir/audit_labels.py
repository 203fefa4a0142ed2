"""What this app's access-log events mean for the patient's access report (autodiscovered by
the audit app)."""

from django.utils.translation import gettext_lazy as _

from palliare.audit import labels

labels.register(
    {
        "fhir.read": _("read data through a linked system"),
        "fhir.search": _("searched data through a linked system"),
        "fhir.transaction": _("sent data through a linked system"),
        "fhir.batch": _("sent data through a linked system"),
        "fhir.care_relationship_added": _("became a treating organisation through a linked system"),
    }
)
