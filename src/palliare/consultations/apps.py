from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "palliare.consultations"
    label = "consultations"
    verbose_name = _("Consultation and rota")

    def ready(self) -> None:
        # Registers the consultation relationship with the patient access policy.
        # Adds the rule "consultation for an unmarked patient" to the marking suggestions.
        from . import (
            access,  # noqa: F401
            suggestion_rules,  # noqa: F401
        )
