"""Administration of facilities and district-nursing services for the network coordinator.

Descriptions (name, kind, location, service) are edited here; bed and intake statuses are not:
they are reported by the organisations themselves and kept as read-only history.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.http import HttpRequest

from palliare.accounts.requests import PalliareRequest
from palliare.ui.admin_site import PermissionInlineMixin, PermissionModelAdmin, site

from . import services
from .models import BedStatus, DistrictNursingService, Facility


class BedStatusInline(PermissionInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = BedStatus
    extra = 0
    max_num = 0
    can_delete = False
    fields = (
        "recorded_at",
        "free_beds",
        "beds",
        "admission_status",
        "waiting_list",
        "note",
        "recorded_by_name",
        "channel",
    )
    readonly_fields = fields
    ordering = ("-recorded_at",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Facility, site=site)
class FacilityAdmin(PermissionModelAdmin):
    list_display = ("display_name", "kind", "organization", "is_active")
    list_filter = ("kind", "is_active", "organization__subregion")
    search_fields = ("name", "organization__name")
    autocomplete_fields = ("organization",)
    raw_id_fields = ("location",)
    inlines = [BedStatusInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("organization")

    def save_model(self, request: HttpRequest, obj: Facility, form: Any, change: bool) -> None:
        services.save_facility(obj, actor=cast(PalliareRequest, request).actor)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history must stay: make a facility inactive instead


@admin.register(DistrictNursingService, site=site)
class DistrictNursingServiceAdmin(PermissionModelAdmin):
    """Register an organisation as district nursing; its area is kept on its own page."""

    list_display = ("organization", "is_active")
    search_fields = ("organization__name",)
    autocomplete_fields = ("organization",)
    fields = ("organization", "referral_phone", "is_active")

    def save_model(
        self, request: HttpRequest, obj: DistrictNursingService, form: Any, change: bool
    ) -> None:
        services.save_district_nursing(obj, actor=cast(PalliareRequest, request).actor)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
