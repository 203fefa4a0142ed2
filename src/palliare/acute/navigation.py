from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem("acute", _("Acute view"), "acute:search", Permission.VIEW_ACUTE_SUMMARY, order=5),
    NavItem(
        "emergency_review",
        _("Emergency access review"),
        "acute:review_queue",
        Permission.REVIEW_EMERGENCY_ACCESS,
        order=60,
    ),
)
