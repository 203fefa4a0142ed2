"""Printable PDFs of the agenda and the minutes (WeasyPrint, A4, Dutch)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest) -> bytes:
    """Render ``template`` (self-contained HTML with its own CSS) to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    return bytes(HTML(string=html).write_pdf())
