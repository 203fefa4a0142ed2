"""Middleware that enforces login with a verified second factor and attaches the actor."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from palliare.accounts.requests import is_verified

from .actors import actor_for

MEMBERSHIP_SESSION_KEY = "palliare_membership_id"
ACTIVITY_SESSION_KEY = "palliare_last_activity"
#: The session's idle timer restarts at most this often (a write per request is wasteful).
ACTIVITY_RESOLUTION_SECONDS = 60


class SessionActivityMiddleware:
    """Restart the idle timer of logged-in sessions, at most once a minute.

    The session expires ``SESSION_COOKIE_AGE`` seconds after it was last saved; touching it
    every minute keeps an active professional logged in and logs an idle one out within a
    minute of the configured idle time, without writing the session on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(ACTIVITY_SESSION_KEY, 0)) >= ACTIVITY_RESOLUTION_SECONDS:
                session[ACTIVITY_SESSION_KEY] = now
        return response


class ActorMiddleware:
    """Sets ``request.actor``: the user acting under the membership chosen in this session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        def build() -> Any:
            return actor_for(request.user, request.session.get(MEMBERSHIP_SESSION_KEY))

        request.actor = SimpleLazyObject(build)  # type: ignore[attr-defined]
        return self.get_response(request)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    from django.http import HttpResponseRedirect

    return HttpResponseRedirect(url)


class TwoFactorRequiredMiddleware:
    """Deny by default: every view needs a login *and* a verified second factor, except views
    marked ``public`` (no login) or ``otp_exempt`` (the second-factor pages themselves)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if getattr(view_func, "login_required", True) is False:
            return None
        is_api = request.path.startswith("/api/")
        if not request.user.is_authenticated:
            if is_api:
                return JsonResponse({"detail": "Authentication required."}, status=401)
            if getattr(request, "htmx", False):
                login = resolve_url("accounts:login")
                return _redirect(request, f"{login}?{urlencode({'next': request.path})}")
            return redirect_to_login(request.get_full_path(), resolve_url("accounts:login"))
        if getattr(view_func, "otp_exempt", False):
            return None
        if not is_verified(request.user):
            if is_api:
                return JsonResponse({"detail": "Second factor required."}, status=401)
            target = reverse("accounts:two_factor")
            return _redirect(request, f"{target}?{urlencode({'next': request.get_full_path()})}")
        return None


#: Paths answered to API clients (token or certificate, not the session): never cached.
NO_STORE_PREFIXES = ("/fhir/", "/api/")


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a logged-in user or an API client.

    Pages, PDFs, exports and FHIR resources can hold patient data; neither the browser's cache
    (a shared computer at the out-of-hours post) nor a proxy may keep a copy. Deciding per
    response, not per view, means a new view cannot forget it. Public pages (the care finder)
    and static assets (answered by WhiteNoise before this middleware) keep their caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            (user is not None and user.is_authenticated)
            or request.path.startswith(NO_STORE_PREFIXES)
            or "Authorization" in request.headers
        ):
            if "no-store" not in response.get("Cache-Control", ""):
                response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
            response.headers.pop("Expires", None)
        return response
