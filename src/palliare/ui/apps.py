from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "palliare.ui"
    label = "ui"
    verbose_name = _("User interface")

    def ready(self) -> None:
        # Each app contributes its menu entries (navigation.py) and the sections of the
        # "my work" start page (worklist.py) without the ui app importing it.
        autodiscover_modules("navigation")
        autodiscover_modules("worklist")
