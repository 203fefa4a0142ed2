from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem(
        "access_grants",
        _("Access grants"),
        "accounts:access_grants",
        Permission.VIEW_ACCESS_LOG,
        order=62,
    ),
)
