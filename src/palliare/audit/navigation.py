from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem(
        "access_report",
        _("Access reports"),
        "audit:access_report_find",
        Permission.VIEW_ACCESS_LOG,
        order=61,
    ),
)
