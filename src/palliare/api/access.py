"""Who may call an endpoint: the same Palliare permissions as the pages, deny by default.

Authentication is the session of a professional who passed the second factor (the middleware
answers 401 in JSON otherwise). Each endpoint class names ``required_permissions``; a class that
names none is closed. ``endpoint()`` also marks the URL callback for the URL-walking access test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import BasePagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from palliare.accounts.permissions import Permission
from palliare.accounts.requests import is_verified

from . import errors
from .pagination import Pagination


class HasPalliarePermission(BasePermission):
    message = _("Your role does not allow this.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        required: tuple[Permission, ...] = getattr(view, "required_permissions", ())
        actor = getattr(request, "actor", None)
        return (
            bool(required)
            and is_verified(request.user)
            and actor is not None
            and all(actor.has(p) for p in required)
        )


class QueryParameters(serializers.Serializer[Any]):
    """Base of the serializers that read query parameters: a parameter given empty
    (``?type=``) is refused like any other invalid value. DRF treats an empty optional
    parameter as absent, while the schema (a choice, a slug) forbids the empty string."""

    def to_internal_value(self, data: Any) -> Any:
        empty = {
            name: [_("This parameter may not be empty; leave it out instead.")]
            for name, field in self.fields.items()
            if hasattr(data, "getlist")
            and data.get(name) == ""
            and not getattr(field, "allow_blank", False)
            and not field.allow_null
        }
        if empty:
            raise serializers.ValidationError(empty)
        return super().to_internal_value(data)


class PalliareAPIView(GenericAPIView):  # type: ignore[type-arg]
    """Base of every endpoint: Palliare permissions, JSON errors, limit/offset pagination,
    JSON request bodies (the schema documents application/json only)."""

    permission_classes = [HasPalliarePermission]
    parser_classes = [JSONParser]
    pagination_class: type[BasePagination] | None = Pagination
    required_permissions: tuple[Permission, ...] = ()

    def get_exception_handler(self) -> Callable[..., Any]:
        return errors.exception_handler


def endpoint(view: type[APIView], **initkwargs: Any) -> Callable[..., Any]:
    """The URL callback of an endpoint class, marked with its access rule."""
    callback = view.as_view(**initkwargs)
    permissions = getattr(view, "required_permissions", ())
    # DRF marks its views login_required=False (it authenticates itself); Palliare's middleware
    # must still demand a login with a verified second factor, and answers 401 in JSON.
    callback.login_required = True  # type: ignore[attr-defined]
    callback.access_rule = "permission"  # type: ignore[attr-defined]
    callback.required_permissions = permissions  # type: ignore[attr-defined]
    return callback
