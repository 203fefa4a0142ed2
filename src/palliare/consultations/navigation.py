from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem(
        "who_to_call",
        _("Who do I call?"),
        "consultations:call:who",
        Permission.VIEW_DIRECTORY,
        order=50,
    ),
    NavItem(
        "consultations",
        _("Consultations"),
        "consultations:requests:mine",
        Permission.REQUEST_CONSULTATION,
        order=300,
    ),
    NavItem(
        "consultation_inbox",
        _("Team inbox"),
        "consultations:inbox:list",
        Permission.ANSWER_CONSULTATION,
        order=310,
    ),
    NavItem("rota", _("Rota"), "consultations:rota:overview", Permission.MANAGE_ROTA, order=600),
)
