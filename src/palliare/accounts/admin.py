"""Administration of accounts and roles. Changes of permissions are written to the access log."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from palliare.ui.admin_site import PermissionModelAdmin, site

from . import services
from .models import Role, User
from .permissions import Permission
from .requests import PalliareRequest


class RoleForm(forms.ModelForm):  # type: ignore[type-arg]
    granted = forms.MultipleChoiceField(
        label=_("Permissions"),
        choices=Permission.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Role
        fields = ("code", "name", "description")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["granted"].initial = list(
                self.instance.permissions.values_list("permission", flat=True)
            )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        wanted = {Permission(p) for p in cleaned.get("granted", [])}
        try:
            services.check_role_permissions(self.instance, wanted)
        except ValidationError as exc:
            self.add_error("granted", exc)
        return cleaned


@admin.register(Role, site=site)
class RoleAdmin(PermissionModelAdmin):
    permission = Permission.MANAGE_ACCOUNTS
    form = RoleForm
    list_display = ("label", "code")
    search_fields = ("code", "name")

    def save_model(self, request: HttpRequest, obj: Role, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.set_role_permissions(
            obj,
            {Permission(p) for p in form.cleaned_data["granted"]},
            actor=cast(PalliareRequest, request).actor,
        )


@admin.register(User, site=site)
class UserAdmin(PermissionModelAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    permission = Permission.MANAGE_ACCOUNTS
    list_display = ("username", "email", "first_name", "last_name", "is_active", "last_login")
    actions = ["reset_second_factor"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Reactivating an account revives its memberships: those that open patient data wait
        for a second person's approval again."""
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and obj.is_active:
            self._reapprove(request, obj, reason="account_reactivated")

    def _reapprove(self, request: HttpRequest, user: User, *, reason: str) -> None:
        from palliare.organizations.models import Membership

        pending = services.require_reapproval(
            Membership.objects.filter(professional__user=user),
            actor=cast(PalliareRequest, request).actor,
            reason=reason,
        )
        if pending:
            messages.warning(
                request,
                _(
                    "%(user)s: %(count)d memberships that open patient data now wait for a "
                    "second person's approval."
                )
                % {"user": user, "count": pending},
            )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """Setting someone else's password is logged (with a 2FA reset it could take over an
        account)."""
        response = super().user_change_password(request, id, form_url)
        user = self.get_object(request, id)
        if request.method == "POST" and getattr(response, "status_code", 200) == 302 and user:
            services.record_password_set_by_admin(user, actor=cast(PalliareRequest, request).actor)
        return response

    @admin.action(description=_("Reset two-factor login (user enrols again at next login)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.reset_second_factor(user, actor=cast(PalliareRequest, request).actor)
            # Whoever enrols the next device holds the account: a second person confirms.
            self._reapprove(request, user, reason="second_factor_reset")
        messages.success(
            request,
            _("Two-factor login reset for %(count)d accounts.") % {"count": queryset.count()},
        )
