from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaunchConfig(AppConfig):
    name = "palliare.launch"
    label = "launch"
    verbose_name = _("Launch from the GP's information system")
    default_auto_field = "django.db.models.BigAutoField"
