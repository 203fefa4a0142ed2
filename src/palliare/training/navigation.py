from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem("training", _("Training"), "training:list", Permission.REGISTER_TRAINING, order=60)
)
register(
    NavItem(
        "training_manage",
        _("Training (organise)"),
        "training:manage",
        Permission.MANAGE_TRAINING,
        order=61,
    )
)
