from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem(
        "directory", _("Directory"), "organizations:list", Permission.VIEW_DIRECTORY, order=500
    ),
    NavItem(
        "directory_exchange",
        _("Import and export"),
        "exchange:directory",
        Permission.MANAGE_DIRECTORY,
        order=520,
    ),
)
