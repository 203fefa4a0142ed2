"""The professional's notifications."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import any_professional
from palliare.accounts.requests import PalliareRequest, safe_url

from . import services
from .models import Notification


@any_professional
def notification_list(request: PalliareRequest) -> HttpResponse:
    """What happened that concerns me, newest first."""
    notifications = Notification.objects.filter(recipient_id=request.user.pk)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    services.attach_patient_names(request.actor, page.object_list)
    return render(request, "notifications/list.html", {"page": page})


@any_professional
@require_POST
def mark_all_read(request: PalliareRequest) -> HttpResponse:
    services.mark_read(request.actor)
    return redirect("notifications:list")


@any_professional
def open_notification(request: PalliareRequest, pk: int) -> HttpResponse:
    """Follow one of my notifications: it counts as read, and I land where it points (a page of
    this application; anything else goes to the list)."""
    notification = get_object_or_404(Notification, pk=pk, recipient_id=request.user.pk)
    services.mark_read(request.actor, [notification.pk])
    return redirect(safe_url(request, notification.url, reverse("notifications:list")))
