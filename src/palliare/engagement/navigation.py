from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem(
        "engagement",
        _("Events and newsletter"),
        "engagement:manage",
        Permission.MANAGE_ENGAGEMENT,
        order=62,
    )
)
