"""The schema of the API and its documentation page. Both are public: the schema describes the
interface, not data, and is committed to the open-source repository anyway."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from palliare.accounts.decorators import public

from . import schema


@public
def schema_view(request: HttpRequest) -> HttpResponse:
    """The OpenAPI schema: YAML, or JSON with ``?format=json``. The same text as the committed
    docs/api/openapi.yaml (CI checks that they match)."""
    document = schema.cached()
    if request.GET.get("format") == "json":
        return JsonResponse(document)
    return HttpResponse(
        schema.as_yaml(document), content_type="application/vnd.oai.openapi; charset=utf-8"
    )


@public
def docs(request: HttpRequest) -> HttpResponse:
    """A readable page of the endpoints, parameters and shapes (rendered on the server)."""
    return render(
        request,
        "api/docs.html",
        {"operations": schema.operations(), "components": schema.components()},
    )
