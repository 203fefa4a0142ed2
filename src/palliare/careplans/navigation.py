from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem("careplans", _("Care plans"), "careplans:list", Permission.EDIT_CARE_PLAN, order=15),
)
