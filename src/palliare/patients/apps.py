from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "palliare.patients"
    label = "patients"
    verbose_name = _("Palliative register")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("patient_extensions")

        from palliare.audit import report

        from .access import access_report_subjects

        # The access report (audit app) reaches the patient through the register.
        report.register_subjects(access_report_subjects())
