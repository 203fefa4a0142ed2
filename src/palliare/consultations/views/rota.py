"""The coordinator's rota page: coverage warnings first, then the weekly and dated slots, and
the forms to add, change and remove them."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest

from .. import services
from ..forms import DatedSlotForm, SlotForm, WeeklySlotForm
from ..models import DatedSlot, Slot, WeeklySlot

WEEK_CHOICES = (1, 2, 4, 8, 12)
DEFAULT_WEEKS = 4


def _weeks(raw: str | None) -> int:
    try:
        weeks = int(raw or DEFAULT_WEEKS)
    except ValueError:
        return DEFAULT_WEEKS
    return weeks if weeks in WEEK_CHOICES else DEFAULT_WEEKS


def _scope_key(slot: Slot) -> tuple[str, int, str]:
    return (
        slot.region.name,
        0 if slot.subregion_id is None else 1,
        slot.subregion.name if slot.subregion is not None else "",
    )


@require_permission(Permission.MANAGE_ROTA)
def overview(request: PalliareRequest) -> HttpResponse:
    """Uncovered and double-covered times for the coming weeks, then the rota itself."""
    weeks = _weeks(request.GET.get("weeks"))
    regions = services.coverage(weeks=weeks)
    weekly = sorted(
        WeeklySlot.objects.with_people(),
        key=lambda s: (*_scope_key(s), s.kind, s.start_time, s.pk),
    )
    groups = [
        {"region": key[0], "subregion": key[2], "slots": list(slots)}
        for key, slots in groupby(weekly, key=_scope_key)
    ]
    dated = list(
        DatedSlot.objects.with_people()
        .filter(date__gte=timezone.localdate())
        .order_by("date", "start_time", "pk")
    )
    template = "consultations/partials/coverage.html" if request.htmx else "consultations/rota.html"
    return render(
        request,
        template,
        {
            "regions": regions,
            "weeks": weeks,
            "week_choices": WEEK_CHOICES,
            "weekly_groups": groups,
            "dated_slots": dated,
        },
    )


def _edit(
    request: PalliareRequest,
    form_class: type[SlotForm],
    instance: Slot,
    title: str,
) -> HttpResponse:
    if request.method == "POST":
        form = form_class(request.POST, instance=instance)
        if form.is_valid():
            try:
                services.save_slot(form.instance, actor=request.actor)
            except ValidationError as error:
                form._update_errors(error)
            else:
                messages.success(request, _("The rota was saved. Check the warnings below."))
                return redirect("consultations:rota:overview")
    else:
        form = form_class(instance=instance)
    context: dict[str, Any] = {"form": form, "title": title, "slot": instance}
    return render(request, "consultations/slot_form.html", context)


@require_permission(Permission.MANAGE_ROTA)
def weekly_new(request: PalliareRequest) -> HttpResponse:
    return _edit(request, WeeklySlotForm, WeeklySlot(), _("Add a weekly slot"))


@require_permission(Permission.MANAGE_ROTA)
def weekly_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(WeeklySlot.objects.with_people(), pk=pk)
    return _edit(request, WeeklySlotForm, slot, _("Change a weekly slot"))


@require_permission(Permission.MANAGE_ROTA)
def dated_new(request: PalliareRequest) -> HttpResponse:
    return _edit(request, DatedSlotForm, DatedSlot(), _("Add a dated slot"))


@require_permission(Permission.MANAGE_ROTA)
def dated_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(DatedSlot.objects.with_people(), pk=pk)
    return _edit(request, DatedSlotForm, slot, _("Change a dated slot"))


def _remove(request: PalliareRequest, slot: Slot) -> HttpResponse:
    if request.method == "POST":
        services.remove_slot(slot, actor=request.actor)
        messages.success(request, _("The slot was removed. Check the warnings below."))
        return redirect("consultations:rota:overview")
    return render(request, "consultations/slot_remove.html", {"slot": slot})


@require_permission(Permission.MANAGE_ROTA)
def weekly_remove(request: PalliareRequest, pk: int) -> HttpResponse:
    return _remove(request, get_object_or_404(WeeklySlot.objects.with_people(), pk=pk))


@require_permission(Permission.MANAGE_ROTA)
def dated_remove(request: PalliareRequest, pk: int) -> HttpResponse:
    return _remove(request, get_object_or_404(DatedSlot.objects.with_people(), pk=pk))
