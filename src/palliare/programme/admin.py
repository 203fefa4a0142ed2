"""Configurable lists of the programme in the administration screens (network coordinator):
the quality framework's core elements and the self-evaluation themes. Changes are logged."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.ui.admin_site import PermissionModelAdmin, site

from . import services
from .models import CoreElement, Theme


class _LoggedAdmin(PermissionModelAdmin):
    permission = Permission.MANAGE_PROGRAMME

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # work plans refer to them; make one inactive instead

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        services.save_from_admin(
            cast(PalliareRequest, request).actor,
            obj,
            created=not change,
            changed=form.changed_data,
        )


@admin.register(CoreElement, site=site)
class CoreElementAdmin(_LoggedAdmin):
    """The core elements work plans answer to (draft until the network confirms them)."""

    list_display = ("title", "position", "is_draft", "is_active")
    list_editable = ("position",)


@admin.register(Theme, site=site)
class ThemeAdmin(_LoggedAdmin):
    """Themes a self-evaluation can find."""

    list_display = ("title",)
    search_fields = ("title",)
