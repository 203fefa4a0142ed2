"""Helpers shared by the meeting views."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url

from palliare.accounts.requests import PalliareRequest, safe_url


def back(request: PalliareRequest, default: str, *args: Any) -> HttpResponse:
    """Redirect to ``next`` when it is a safe local URL, else to ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return redirect(safe_url(request, target, resolve_url(default, *args)))
