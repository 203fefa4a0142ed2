from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FhirConfig(AppConfig):
    name = "palliare.fhir"
    label = "fhir"
    verbose_name = _("FHIR interface")

    def ready(self) -> None:
        # The care relationship "this organisation sent us data about the patient".
        from . import access  # noqa: F401
