from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "palliare.programme"
    label = "programme"
    verbose_name = _("Programme and governance")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Built-in annual-report sections first, then sections other apps contribute in their
        # ``report_sections.py`` (e.g. trainings, monitoring KPIs).
        from . import report_sections  # noqa: F401

        autodiscover_modules("report_sections")

        # Monitoring's milestone KPIs are computed from the plan's deliverables and decisions.
        from palliare.monitoring import sources

        from .kpi_source import milestone_figures

        sources.register("milestone", milestone_figures)
