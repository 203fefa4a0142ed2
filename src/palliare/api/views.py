"""The schema of the API and its documentation page. Both are public: the schema describes the
interface, not data, and is committed to the open-source repository anyway."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.views import SpectacularAPIView

from palliare.accounts.decorators import public

from . import schema

schema_view = public(SpectacularAPIView.as_view())


@public
def docs(request: HttpRequest) -> HttpResponse:
    """A readable page of the endpoints, parameters and shapes (rendered on the server)."""
    return render(
        request,
        "api/docs.html",
        {"operations": schema.operations(), "components": schema.components()},
    )
