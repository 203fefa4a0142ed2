from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem("programme", _("Programme"), "programme:home", Permission.VIEW_PROGRAMME, order=70),
)
