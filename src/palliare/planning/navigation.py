from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem(
        "planning",
        _("Capacity planning"),
        "planning:overview",
        Permission.VIEW_REPORTS,
        order=705,
    ),
)
