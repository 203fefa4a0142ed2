from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarePlansConfig(AppConfig):
    name = "palliare.careplans"
    label = "careplans"
    verbose_name = _("Care plans")
