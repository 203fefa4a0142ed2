from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.ui.navigation import NavItem, register

register(
    NavItem(
        "deliveries_own",
        _("Deliver figures"),
        "deliveries:own",
        Permission.DELIVER_FIGURES,
        order=610,
    ),
    NavItem(
        "deliveries_completeness",
        _("Deliveries"),
        "deliveries:completeness",
        Permission.REVIEW_DELIVERIES,
        order=620,
    ),
    NavItem(
        "deliveries_data_sets",
        _("Data sets"),
        "deliveries:data_sets",
        Permission.MANAGE_KPIS,
        order=630,
    ),
)
