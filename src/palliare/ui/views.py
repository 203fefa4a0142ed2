"""The start page ("my work"), the language switch and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.i18n import set_language

from palliare.accounts.decorators import any_professional, public
from palliare.accounts.requests import PalliareRequest

from . import worklist


@any_professional
def home(request: PalliareRequest) -> HttpResponse:
    """What needs me today: the sections the apps contribute for this actor."""
    actor = request.actor
    sections = worklist.sections_for(actor)
    return render(request, "ui/home.html", {"sections": sections})


@public
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for load balancers and monitoring."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


#: Django's language switch, open to everyone (the login page has it too).
switch_language = public(set_language)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A readable page instead of Django's technical CSRF error."""
    return render(request, "403_csrf.html", status=403)
