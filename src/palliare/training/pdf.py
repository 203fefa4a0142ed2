"""The certificate of attendance as PDF (WeasyPrint, A4)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Registration


def certificate_pdf(registration: Registration, request: HttpRequest) -> bytes:
    """A one-page certificate naming the participant, course, date, points and trainer."""
    from weasyprint import HTML

    html = render_to_string(
        "training/pdf/certificate.html",
        {
            "registration": registration,
            "session": registration.session,
            "course": registration.session.course,
            "network": settings.NETWORK_NAME,
            "issued_on": timezone.localdate(),
        },
        request=request,
    )
    return bytes(HTML(string=html).write_pdf())
