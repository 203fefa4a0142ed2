"""Helpers shared by the meeting views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from palliare.accounts.requests import PalliareRequest

#: The largest database id (BigAutoField).
MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """A database id from a query string or form value, else None.

    Only ASCII digits count: ``str.isdigit`` also accepts "²", which ``int`` refuses, and a
    number too large for the database must not reach a query."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form (field errors where the field exists)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def back(request: PalliareRequest, default: str, *args: Any) -> HttpResponse:
    """Redirect to ``next`` when it is a safe local URL, else to ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default, *args)
