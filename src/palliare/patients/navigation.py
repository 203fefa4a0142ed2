from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem("register", _("Register"), "patients:register", Permission.VIEW_PATIENT, order=10),
    NavItem("signals", _("Signals"), "patients:signal_inbox", Permission.HANDLE_SIGNALS, order=20),
    NavItem(
        "my_signals",
        _("My signals"),
        "patients:signals_sent",
        Permission.SEND_SIGNAL,
        order=25,
        unless=Permission.HANDLE_SIGNALS,
    ),
    NavItem(
        "marking_suggestion_rules",
        _("Marking suggestions"),
        "patients:suggestion_rules",
        Permission.VIEW_REPORTS,
        order=705,
    ),
)
