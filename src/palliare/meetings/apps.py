from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "palliare.meetings"
    label = "meetings"
    verbose_name = _("Core teams and meetings")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Built-in agenda sections first, then sections other apps contribute in their
        # ``meeting_agenda.py`` (e.g. careplans: "plans due for review").
        from . import agenda  # noqa: F401

        autodiscover_modules("meeting_agenda")
