"""The administration screens for the network coordinator.

Open only to actors with ``Permission.USE_ADMIN`` who passed the second factor; each model admin
names the permission that allows changing its data. Django's own model permissions are not used.
"""

from __future__ import annotations

from functools import update_wrapper
from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest, is_verified


class PalliareAdminSite(admin.AdminSite):
    site_header = _("Palliare administration")
    site_title = _("Palliare administration")
    index_title = _("Regional directory and accounts")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and is_verified(user)
            and cast(PalliareRequest, request).actor.has(Permission.USE_ADMIN)
        )

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """Logged-in professionals without the permission get 403, not a login loop."""
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if is_verified(user) and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)  # type: ignore[no-any-return]

        return update_wrapper(guarded, inner)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if is_verified(request.user):
            raise PermissionDenied  # logged in, but this role may not administer
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))


site = PalliareAdminSite(name="admin")


class _PermissionChecks:
    """Django's view/add/change/delete checks answered by one Palliare permission."""

    permission: Permission = Permission.MANAGE_DIRECTORY

    def _allowed(self, request: HttpRequest) -> bool:
        return bool(cast(PalliareRequest, request).actor.has(self.permission))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)


class PermissionModelAdmin(_PermissionChecks, admin.ModelAdmin):  # type: ignore[type-arg]
    """A model admin guarded by one Palliare permission instead of Django's model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)


class PermissionInlineMixin(_PermissionChecks):
    """The same for inlines (Django would otherwise hide them without model permissions)."""
