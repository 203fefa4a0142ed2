"""Helpers shared by the programme's views."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from palliare.accounts.requests import PalliareRequest


def form_page(
    request: PalliareRequest,
    form: Any,
    *,
    title: str,
    submit: str,
    back_url: str,
    back_label: str = "",
    multipart: bool = False,
    intro: str = "",
) -> HttpResponse:
    """The one form page of the programme: title, form, submit and back link."""
    return render(
        request,
        "programme/form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "back_url": back_url,
            "back_label": back_label,
            "multipart": multipart,
            "intro": intro,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )
