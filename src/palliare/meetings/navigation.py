from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem("meetings", _("Meetings"), "meetings:list", Permission.VIEW_PATIENT, order=30),
)
