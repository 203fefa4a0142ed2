"""Administration screens for the network coordinator: the directory and the region mapping."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from palliare.accounts import services as account_services
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.ui.admin_site import PermissionInlineMixin, PermissionModelAdmin, site

from .models import (
    Location,
    Membership,
    Municipality,
    Organization,
    PostcodeArea,
    Professional,
    Region,
    Subregion,
)


class SubregionInline(PermissionInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Subregion
    extra = 0


@admin.register(Region, site=site)
class RegionAdmin(PermissionModelAdmin):
    list_display = ("name", "code", "mapping_status")
    inlines = [SubregionInline]


@admin.register(Subregion, site=site)
class SubregionAdmin(PermissionModelAdmin):
    list_display = ("name", "code", "region")
    list_filter = ("region",)


@admin.register(Municipality, site=site)
class MunicipalityAdmin(PermissionModelAdmin):
    """The municipality → subregion mapping is edited right in the list."""

    list_display = ("name", "gm_code", "province", "subregion")
    list_editable = ("subregion",)
    list_filter = ("subregion", "province")
    search_fields = ("name", "gm_code")
    readonly_fields = ("gm_code", "province_code", "province")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # municipalities come from the CBS reference data

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PostcodeArea, site=site)
class PostcodeAreaAdmin(PermissionModelAdmin):
    list_display = ("pc4", "place", "municipality", "population")
    search_fields = ("pc4", "place")
    list_filter = ("municipality__subregion",)
    readonly_fields = (
        "pc4",
        "municipality",
        "place",
        "latitude",
        "longitude",
        "area_km2",
        "population",
        "population_65_plus",
        "population_75_plus",
        "population_by_age",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LocationInline(PermissionInlineMixin, admin.StackedInline):  # type: ignore[type-arg]
    model = Location
    extra = 0


@admin.register(Organization, site=site)
class OrganizationAdmin(PermissionModelAdmin):
    list_display = ("name", "type", "agb_code", "subregion", "is_public", "is_active")
    list_filter = ("type", "subregion", "is_public", "is_active")
    search_fields = ("name", "agb_code")
    inlines = [LocationInline]
    autocomplete_fields = ("parent",)


class MembershipInline(PermissionInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    """Memberships decide who may do what: changing them needs account rights; directory
    maintainers only see them."""

    model = Membership
    permission = Permission.MANAGE_ACCOUNTS

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(cast(PalliareRequest, request).actor.has(Permission.MANAGE_DIRECTORY))

    extra = 0
    autocomplete_fields = ("organization",)


@admin.register(Professional, site=site)
class ProfessionalAdmin(PermissionModelAdmin):
    """Professionals and their memberships; every membership change is written to the log."""

    list_display = ("full_name", "discipline", "big_number", "user", "is_active")
    list_filter = ("discipline", "is_active")
    search_fields = ("family_name", "given_name", "big_number", "agb_code")
    inlines = [MembershipInline]
    raw_id_fields = ("user",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Professional]:
        return super().get_queryset(request).select_related("user")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Linking a login account decides who may act as this professional: account rights only."""
        if cast(PalliareRequest, request).actor.has(Permission.MANAGE_ACCOUNTS):
            return ()
        return ("user",)

    def save_model(self, request: HttpRequest, obj: Professional, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            "directory.professional_changed" if change else "directory.professional_added",
            actor=cast(PalliareRequest, request).actor,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            subject=obj,
            purpose=AuditPurpose.ADMINISTRATION,
            details={"changed": sorted(form.changed_data)},
        )

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet,  # type: ignore[type-arg]
        change: bool,
    ) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        actor = cast(PalliareRequest, request).actor
        instances = formset.save(commit=False)
        for instance in instances:
            created = instance.pk is None
            instance.save()
            account_services.record_membership_change(
                instance,
                actor=actor,
                created=created,
            )
        for obj in formset.deleted_objects:
            account_services.record_membership_change(
                obj,
                actor=actor,
                created=False,
            )
            obj.delete()
