"""Middleware that gives every request an id and records where it came from."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse

from . import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    """The client address. Behind a proxy, configure the proxy to set REMOTE_ADDR correctly."""
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Sets the request id (from X-Request-ID when well-formed) and the client address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        ctx = context.RequestContext(
            request_id=request_id,
            client_ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:255],
        )
        token = context.activate(ctx)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
            structlog.contextvars.unbind_contextvars("request_id")
        response["X-Request-ID"] = request_id
        return response
