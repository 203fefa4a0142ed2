from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem(
        "referrals_received",
        _("Referrals"),
        "referrals:received",
        Permission.RECEIVE_REFERRAL,
        order=40,
    ),
)
