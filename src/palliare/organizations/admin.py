"""Administration screens for the network coordinator: the directory and the region mapping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from palliare.accounts import services as account_services
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.ui.admin_site import PermissionInlineMixin, PermissionModelAdmin, site

from . import services
from .constants import MembershipStatus
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


def _warn_pending(request: HttpRequest, pending: int) -> None:
    """Tell the administrator how many memberships now wait for a second person."""
    if pending:
        messages.warning(
            request,
            _(
                "%(count)d memberships that open patient data now wait for a second "
                "person's approval."
            )
            % {"count": pending},
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

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        """Reactivating an organisation revives its memberships: those that open patient data
        wait for a second person's approval again."""
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and obj.is_active:
            pending = account_services.require_reapproval(
                Membership.objects.filter(organization=obj),
                actor=cast(PalliareRequest, request).actor,
                reason="organisation_reactivated",
            )
            _warn_pending(request, pending)


class MembershipInline(PermissionInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    """Memberships decide who may do what: changing them needs account rights; directory
    maintainers only see them. A membership that opens patient data waits for a second
    person's approval (shown in the status column, approved under Memberships)."""

    model = Membership
    permission = Permission.MANAGE_ACCOUNTS
    fields = ("organization", "role", "job_title", "phone", "valid_from", "valid_until", "status")
    readonly_fields = ("status",)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(cast(PalliareRequest, request).actor.has(Permission.MANAGE_DIRECTORY))

    extra = 0
    autocomplete_fields = ("organization",)


@admin.register(Membership, site=site)
class MembershipAdmin(PermissionModelAdmin):
    """Memberships at a glance, and where a second person approves or refuses pending ones.
    Memberships are added and changed on the professional's page."""

    permission = Permission.MANAGE_ACCOUNTS
    list_display = (
        "professional",
        "organization",
        "role",
        "valid_from",
        "valid_until",
        "status",
        "requested_by",
        "approved_by",
        "approved_at",
    )
    list_filter = ("status", "role")
    search_fields = ("professional__family_name", "organization__name")
    actions = ["approve", "reject"]
    list_select_related = ("professional", "organization", "role", "requested_by", "approved_by")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Approve the selected pending memberships"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._decide(request, queryset, account_services.approve_membership, _("approved"))

    @admin.action(description=_("Refuse the selected pending memberships"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._decide(request, queryset, account_services.reject_membership, _("refused"))

    def _decide(
        self,
        request: HttpRequest,
        queryset: QuerySet[Membership],
        decide: Callable[..., Any],
        verb: str,
    ) -> None:
        actor = cast(PalliareRequest, request).actor
        done = 0
        for membership in queryset.select_related("professional", "role"):
            try:
                decide(membership, actor=actor)
            except ValidationError as exc:
                messages.error(request, f"{membership}: {' '.join(exc.messages)}")
            else:
                done += 1
        if done:
            messages.success(
                request,
                _("%(count)d memberships %(verb)s.") % {"count": done, "verb": verb},
            )


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
        pending = services.save_professional(
            obj,
            actor=cast(PalliareRequest, request).actor,
            created=not change,
            changed=form.changed_data,
        )
        _warn_pending(request, pending)

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
            previous = account_services.membership_snapshot(instance)
            saved = account_services.save_membership(instance, actor=actor, previous=previous)
            if saved.status == MembershipStatus.PENDING:
                messages.warning(
                    request,
                    _(
                        "%(membership)s opens patient data: it waits for the approval of a "
                        "second person (another coordinator or the organisation's own "
                        "administrator) and gives no access until then."
                    )
                    % {"membership": saved},
                )
        for obj in formset.deleted_objects:
            account_services.remove_membership(obj, actor=actor)
