"""Errors of the API as JSON with clear messages, in the user's language.

Every error body has ``detail`` (a sentence for people) and ``code`` (for programs); invalid input
adds ``errors``: field name → list of messages (``non_field_errors`` for the whole request).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from palliare.accounts.decorators import public


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource changed since you read it."
    default_code = "conflict"


#: The body of every error response (for the OpenAPI schema). A field named ``errors`` cannot
#: be declared on a Serializer class (it would hide ``Serializer.errors``), hence inline.
ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(help_text="What went wrong, for people."),
        "code": serializers.CharField(help_text="What went wrong, for programs."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Invalid input: field name → messages (non_field_errors: the request).",
        ),
    },
)


def _as_drf(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail: Any = {
                ("non_field_errors" if k == "__all__" else k): v
                for k, v in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        return exceptions.ValidationError(detail)
    return exc


def _messages(data: Any) -> dict[str, list[str]]:
    if isinstance(data, dict):
        return {
            str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in data.items()
        }
    if isinstance(data, list):
        return {"non_field_errors": [str(m) for m in data]}
    return {"non_field_errors": [str(data)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, reshaped into Palliare's error body."""
    exc = _as_drf(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _("The request has invalid values. See errors."),
            "code": "invalid",
            "errors": _messages(exc.detail),
        }
        return response
    detail = getattr(exc, "detail", None)
    code: str
    if isinstance(exc, exceptions.NotFound) or response.status_code == 404:
        message, code = _("Not found."), "not_found"
    elif isinstance(exc, exceptions.PermissionDenied | DjangoPermissionDenied):
        message, code = _("You are not allowed to do this."), "permission_denied"
        if detail and str(detail) != str(exceptions.PermissionDenied.default_detail):
            message = str(detail)
    else:
        message = str(detail) if detail is not None else str(exc)
        code = str(getattr(detail, "code", None) or getattr(exc, "default_code", "error"))
    response.data = {"detail": message, "code": str(code)}
    return response


@public
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown API paths answer in JSON too."""
    return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
