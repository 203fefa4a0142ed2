"""Per-request context (request id, client address) for the access log.

The middleware sets it at the start of each request; services never need the request object to
write a complete audit row. Outside a request (commands, tasks) the context is empty.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_ip: str | None = None
    user_agent: str = ""


_EMPTY = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "palliare_request_context", default=None
)


def current() -> RequestContext:
    """The context of the request being handled, or an empty one."""
    return _current.get() or _EMPTY


def activate(context: RequestContext) -> contextvars.Token[RequestContext | None]:
    return _current.set(context)


def deactivate(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
