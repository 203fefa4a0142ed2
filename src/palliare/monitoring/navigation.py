from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem(
        "monitoring", _("Monitoring"), "monitoring:dashboard", Permission.VIEW_REPORTS, order=700
    ),
    NavItem(
        "monitoring_catalogue",
        _("KPI catalogue"),
        "monitoring:catalogue",
        Permission.MANAGE_KPIS,
        order=710,
    ),
    NavItem(
        "monitoring_mirror",
        _("Mirror figures"),
        "monitoring:mirror",
        Permission.DELIVER_FIGURES,
        order=720,
    ),
)
