"""Helpers shared by the meeting views."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from palliare.accounts.requests import PalliareRequest


def back(request: PalliareRequest, default: str, *args: Any) -> HttpResponse:
    """Redirect to ``next`` when it is a safe local URL, else to ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default, *args)
