"""The programme's home page: milestone KPIs and what needs attention."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest

from .. import access, dashboard, services


@require_permission(Permission.VIEW_PROGRAMME)
def programme_home(request: PalliareRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "programme/home.html",
        {
            "milestones": services.milestone_statuses(today),
            "needs": dashboard.needs_attention(today),
            "own": access.own_member(request.actor),
            "can_manage": access.can_manage(request.actor),
            "today": today,
        },
    )
