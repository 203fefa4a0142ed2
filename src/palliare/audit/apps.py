from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "palliare.audit"
    label = "audit"
    verbose_name = _("Access log (NEN 7513)")
