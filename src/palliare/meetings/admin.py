"""Core teams in the administration screens, for the network coordinator. Changes made here are
written to the access log like changes made in the app."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.ui.admin_site import PermissionInlineMixin, PermissionModelAdmin, site

from . import services
from .models import CoreTeam, CoreTeamMember


class CoreTeamMemberInline(PermissionInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = CoreTeamMember
    permission = Permission.MANAGE_DIRECTORY
    extra = 0
    fields = ("organization", "professional", "role", "started_on", "ended_on")
    autocomplete_fields = ("organization",)
    raw_id_fields = ("professional",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # members leave (ended_on); the history stays


@admin.register(CoreTeam, site=site)
class CoreTeamAdmin(PermissionModelAdmin):
    """Core teams of the region: GP practice, members and coordinator."""

    permission = Permission.MANAGE_DIRECTORY
    list_display = ("name", "coordinator", "default_kind", "is_active")
    list_filter = ("is_active", "default_kind")
    search_fields = ("name", "members__organization__name")
    raw_id_fields = ("coordinator",)
    exclude = ("created_by",)
    readonly_fields = ("created_at",)
    inlines = [CoreTeamMemberInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # meetings refer to the team; make it inactive instead

    def save_model(self, request: HttpRequest, obj: CoreTeam, form: Any, change: bool) -> None:
        services.save_core_team_from_admin(
            cast(PalliareRequest, request).actor, obj, created=not change, changed=form.changed_data
        )

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet,  # type: ignore[type-arg]
        change: bool,
    ) -> None:
        actor = cast(PalliareRequest, request).actor
        for instance in formset.save(commit=False):
            services.save_core_team_member_from_admin(actor, instance)
        formset.save_m2m()
