"""Administration screens for the rota (the rota page is the main place to maintain it).
Changes made here go through the same services, so they are validated and logged."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.ui.admin_site import PermissionModelAdmin, site

from . import services
from .forms import DatedSlotForm, WeeklySlotForm
from .models import DatedSlot, Slot, WeeklySlot


class SlotAdmin(PermissionModelAdmin):
    permission = Permission.MANAGE_ROTA
    list_select_related = ("team", "subregion", "specialist")
    list_filter = ("kind", "subregion", "team")

    def save_model(self, request: HttpRequest, obj: Slot, form: Any, change: bool) -> None:
        services.save_slot(obj, actor=cast(PalliareRequest, request).actor)

    def delete_model(self, request: HttpRequest, obj: Slot) -> None:
        services.remove_slot(obj, actor=cast(PalliareRequest, request).actor)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(WeeklySlot, site=site)
class WeeklySlotAdmin(SlotAdmin):
    form = WeeklySlotForm
    fields = tuple(WeeklySlotForm.Meta.fields)
    list_display = ("team", "subregion", "kind", "days_label", "start_time", "end_time")


@admin.register(DatedSlot, site=site)
class DatedSlotAdmin(SlotAdmin):
    form = DatedSlotForm
    fields = tuple(DatedSlotForm.Meta.fields)
    list_display = ("date", "team", "subregion", "kind", "start_time", "end_time")
    date_hierarchy = "date"
