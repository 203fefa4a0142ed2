from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "palliare.engagement"
    label = "engagement"
    verbose_name = _("Public events and the newsletter")
