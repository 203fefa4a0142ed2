"""What this app's access-log events mean for the patient's access report (autodiscovered by
the audit app)."""

from django.utils.translation import gettext_lazy as _

from palliare.audit import labels

labels.register(
    {
        "fhir.read": _("read data through a linked system"),
        "fhir.search": _("searched data through a linked system"),
        "fhir.vread": _("read an earlier version through a linked system"),
        "fhir.history": _("read the history of a record through a linked system"),
        "fhir.delete": _("withdrew a record through a linked system"),
        "fhir.directory_role_recorded": _(
            "recorded a role in the directory through a linked system"
        ),
        "fhir.transaction": _("sent data through a linked system"),
        "fhir.batch": _("sent data through a linked system"),
        "fhir.care_relationship_added": _("became a treating organisation through a linked system"),
    }
)
