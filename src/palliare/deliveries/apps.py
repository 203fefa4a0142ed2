from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveriesConfig(AppConfig):
    name = "palliare.deliveries"
    label = "deliveries"
    verbose_name = _("Deliveries by organisations")

    def ready(self) -> None:
        # Monitoring's KPIs "delivered by organisations" read accepted deliveries.
        from palliare.monitoring import sources

        from .kpi_source import delivered_figures

        sources.register("delivered", delivered_figures)
