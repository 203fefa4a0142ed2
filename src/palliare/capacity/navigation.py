from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem(
        "capacity", _("Beds and care"), "capacity:search", Permission.VIEW_DIRECTORY, order=510
    ),
)
