"""HTTP endpoints of the FHIR API (``/fhir``). They are outside the session login and second
factor (``@public``): each authenticates the bearer token itself and answers 401 without one.
Every answer is FHIR (a resource, a Bundle or an OperationOutcome), never an HTML page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from palliare.accounts.decorators import public

from . import auth, interactions
from .capability import capability_statement, smart_configuration
from .context import FhirContext
from .formats import parse_body, render, response_format
from .outcome import FhirError, Issue, operation_outcome
from .resources import handler_for
from .search import bundle, history_bundle, page_parameters, parse_query, subset

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir").rstrip("/")


def _error_response(request: HttpRequest, exc: FhirError) -> HttpResponse:
    headers = dict(exc.headers)
    if exc.status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="fhir"')
    return render(request, operation_outcome(exc.issues), exc.status, headers)


def _has_nul(params: Any) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())


def _has_nul_in_form(request: HttpRequest) -> bool:
    """Search parameters posted as a form (POST [type]/_search) are checked like the URL's."""
    return (
        request.method == "POST"
        and request.content_type == "application/x-www-form-urlencoded"
        and _has_nul(request.POST)
    )


def fhir_endpoint(methods: tuple[str, ...]) -> Callable[[View], View]:
    """Public (bearer auth inside), CSRF-exempt, FHIR errors as OperationOutcome."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise FhirError(
                        405,
                        Issue(
                            "not-supported",
                            _("Method %(method)s is not allowed here."),
                            params={"method": request.method or "?"},
                            key="method-not-allowed",
                        ),
                        {"Allow": ", ".join(methods)},
                    )
                if "\x00" in request.path or _has_nul(request.GET) or _has_nul_in_form(request):
                    raise FhirError(
                        400,
                        Issue(
                            "invalid", _("The URL contains a NUL character."), key="nul-character"
                        ),
                    )
                response_format(request)  # 406 early for an unknown _format
                return view(request, *args, **kwargs)
            except FhirError as exc:
                return _error_response(request, exc)
            except (RequestDataTooBig, TooManyFieldsSent):
                # A form-encoded body (POST [type]/_search) beyond Django's form limits.
                return _error_response(
                    request,
                    FhirError(
                        413,
                        Issue(
                            "too-costly",
                            _("The form is too large; send fewer or shorter search parameters."),
                            key="form-too-large",
                        ),
                    ),
                )
            except Exception:  # the last line of defence: still FHIR, still no stack trace
                logger.exception("FHIR request failed: %s %s", request.method, request.path)
                return render(
                    request,
                    operation_outcome(
                        [
                            Issue(
                                "exception",
                                _("The server could not process the request."),
                                key="server-error",
                            )
                        ]
                    ),
                    500,
                    fmt="json",
                )

        return public(csrf_exempt(wrapped))

    return decorator


def context(request: HttpRequest) -> FhirContext:
    bearer = auth.authenticate(request)
    if bearer is None:
        raise FhirError(
            401,
            Issue(
                "login",
                _(
                    "Send a valid bearer access token (OAuth2 "
                    "client credentials, see "
                    "/fhir/.well-known/smart-configuration)."
                ),
                key="unauthenticated",
            ),
        )
    try:
        practitioner = auth.on_behalf_of(request)
    except ValueError:
        raise FhirError(
            400,
            Issue(
                "invalid",
                _(
                    "%(header)s must name the practitioner as system|value (e.g. "
                    "http://fhir.nl/fhir/NamingSystem/uzi-nr-pers|123456789)."
                ),
                params={"header": auth.ON_BEHALF_OF_HEADER},
                key="bad-on-behalf-of",
            ),
        ) from None
    actor = bearer.actor
    if practitioner:
        actor = replace(actor, practitioner=practitioner)  # type: ignore[call-arg]
    ctx = FhirContext(actor, bearer.scopes, bearer.client, base_url(request))
    if_match = request.headers.get("If-Match", "")
    if if_match:
        digits = if_match.removeprefix("W/").strip('"')
        if not digits.isdigit() or len(digits) > 18:
            raise FhirError(
                400,
                Issue(
                    "invalid",
                    _('If-Match must be a version ETag such as W/"3".'),
                    key="bad-if-match",
                ),
            )
        ctx.extra["if_match"] = int(digits)
    return ctx


def _strict(request: HttpRequest) -> bool:
    prefer = request.headers.get("Prefer", "").replace(" ", "").lower()
    return "handling=strict" in prefer.split(",") or "handling=strict" in prefer.split(";")


def _return_preference(request: HttpRequest) -> str:
    prefer = request.headers.get("Prefer", "").replace(" ", "").lower()
    for part in prefer.replace(";", ",").split(","):
        if part.startswith("return="):
            return part.partition("=")[2]
    return "representation"


def _resource_headers(resource: dict[str, Any], base: str) -> dict[str, str]:
    meta = resource.get("meta", {})
    headers = {}
    version = meta.get("versionId")
    if version:
        headers["ETag"] = f'W/"{version}"'
    if meta.get("lastUpdated"):
        from datetime import datetime

        from django.utils.http import http_date

        stamp = datetime.fromisoformat(meta["lastUpdated"].replace("Z", "+00:00"))
        headers["Last-Modified"] = http_date(stamp.timestamp())
    headers["Location"] = f"{base}/{resource['resourceType']}/{resource['id']}" + (
        f"/_history/{version}" if version else ""
    )
    return headers


@fhir_endpoint(("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"))
def unknown(request: HttpRequest) -> HttpResponse:
    """Any other URL under /fhir: a FHIR 404, not an HTML page."""
    raise FhirError(
        404,
        Issue(
            "not-supported",
            _("This server has no endpoint %(path)s."),
            params={"path": request.path[:200]},
            key="no-endpoint",
        ),
    )


@fhir_endpoint(("GET",))
def metadata(request: HttpRequest) -> HttpResponse:
    return render(request, capability_statement(base_url(request)))


@fhir_endpoint(("GET",))
def smart_config(request: HttpRequest) -> HttpResponse:
    return JsonResponse(smart_configuration(base_url(request)))


@public
@csrf_exempt
def token(request: HttpRequest) -> HttpResponse:
    """OAuth2 token endpoint, client-credentials grant (RFC 6749 §4.4); the client
    authenticates with its secret (Basic or form) or with a signed JWT (``private_key_jwt``,
    SMART Backend Services)."""
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    try:
        if request.method != "POST":
            raise auth.TokenError("invalid_request", "Use POST.", 405)
        if request.POST.get("grant_type") != "client_credentials":
            raise auth.TokenError("unsupported_grant_type", "Only client_credentials.")
        scope = request.POST.get("scope", "")
        assertion = request.POST.get("client_assertion")
        if assertion is not None:
            assertion_type = request.POST.get("client_assertion_type", "")
            if any("\x00" in v for v in (assertion, assertion_type, scope)):
                raise auth.TokenError("invalid_request", "NUL characters are not allowed.")
            issued, row = auth.issue_token_for_assertion(
                assertion_type, assertion, scope, token_url=f"{base_url(request)}/auth/token"
            )
        else:
            client_id, secret = auth.client_credentials(request)
            if any("\x00" in v for v in (client_id, secret, scope)):
                raise auth.TokenError("invalid_request", "NUL characters are not allowed.")
            issued, row = auth.issue_token(client_id, secret, scope)
    except auth.TokenError as exc:
        response = JsonResponse(
            {"error": exc.error, "error_description": exc.description}, status=exc.status
        )
        if exc.status == 401:
            response["WWW-Authenticate"] = 'Basic realm="fhir"'
    else:
        response = JsonResponse(
            {
                "access_token": issued,
                "token_type": "Bearer",
                "expires_in": auth.token_lifetime(),
                "scope": row.scopes,
            }
        )
    for name, value in headers.items():
        response[name] = value
    return response


@fhir_endpoint(("POST",))
def root(request: HttpRequest) -> HttpResponse:
    """POST [base]: a transaction or batch Bundle."""
    ctx = context(request)
    data = parse_body(request)
    if data.get("resourceType") != "Bundle":
        raise FhirError(
            400,
            Issue(
                "invalid",
                _(
                    "Post a transaction or batch Bundle to the base "
                    "URL; other resources go to [base]/[type]."
                ),
                ("resourceType",),
                key="not-a-bundle",
            ),
        )
    from .validation.structure import check_structure

    try:
        check_structure(
            {k: v for k, v in data.items() if k != "entry"}
            | {
                "entry": [
                    {k: v for k, v in e.items() if k != "resource"}
                    for e in data.get("entry") or []
                    if isinstance(e, dict)
                ]
            },
            "Bundle",
        )
        result = interactions.process_bundle(ctx, data)
    except FhirError as exc:
        interactions.record_failure(ctx, "transaction", "Bundle", exc)
        raise
    return render(request, result)


@fhir_endpoint(("GET", "POST", "PUT"))
def type_level(request: HttpRequest, resource_type: str) -> HttpResponse:
    """GET [base]/[type]: search. POST [base]/[type]: create (conditional with
    ``If-None-Exist``). PUT [base]/[type]?criteria: conditional update."""
    handler_for(resource_type)
    ctx = context(request)
    if request.method == "GET":
        return _search(request, ctx, resource_type, request.GET)
    data = parse_body(request)
    criteria = request.headers.get("If-None-Exist", "")
    interaction = "create"
    if request.method == "PUT":
        criteria, interaction = request.META.get("QUERY_STRING", ""), "update"
        if not criteria:
            raise FhirError(
                400,
                Issue(
                    "required",
                    _("PUT goes to [type]/[id], or to [type]?criteria (conditional update)."),
                    key="conditional-criteria-required",
                ),
            )
    try:
        with transaction.atomic():
            if request.method == "PUT":
                resource, created = interactions.conditional_update(
                    ctx, resource_type, criteria, data
                )
            else:
                data = {k: v for k, v in data.items() if k != "id"}
                if criteria:
                    resource, created = interactions.conditional_create(
                        ctx, resource_type, criteria, data
                    )
                else:
                    resource, created = interactions.write(ctx, resource_type, None, data)
            if created or request.method == "PUT":
                interactions.record_write(ctx, "create" if created else "update", resource)
    except FhirError as exc:
        interactions.record_failure(ctx, interaction, resource_type, exc)
        raise
    return _write_response(request, ctx, resource, 201 if created else 200)


@fhir_endpoint(("POST",))
def search_post(request: HttpRequest, resource_type: str) -> HttpResponse:
    """POST [base]/[type]/_search with form-encoded parameters."""
    handler_for(resource_type)
    ctx = context(request)
    return _search(request, ctx, resource_type, request.POST)


def _search(
    request: HttpRequest, ctx: FhirContext, resource_type: str, params: Any
) -> HttpResponse:
    handler = handler_for(resource_type)
    try:
        query = parse_query(
            resource_type,
            params,
            handler.params,
            handler.includes,
            _strict(request),
            sorts=handler.sorts,
            revincludes=handler.revincludes,
        )
        if query.summary == "count":  # the total only
            query.count, query.includes, query.revincludes = 0, [], []
        matches, total, included = interactions.search(ctx, query)
    except FhirError as exc:
        interactions.record_failure(ctx, "search", resource_type, exc)
        raise
    outcome = None
    if query.ignored:
        outcome = operation_outcome(
            [
                Issue(
                    "not-supported",
                    _("Ignored search parameters: %(names)s."),
                    params={"names": ", ".join(query.ignored)[:500]},
                    severity="warning",
                    key="parameter-ignored",
                )
            ]
        )
    return render(request, bundle(ctx.base_url, query, matches, total, included, outcome))


@fhir_endpoint(("GET", "PUT", "DELETE"))
def instance(request: HttpRequest, resource_type: str, logical_id: str) -> HttpResponse:
    """GET [base]/[type]/[id]: read. PUT: update, or create with the client's id. DELETE:
    withdraw, where the domain allows it."""
    handler_for(resource_type)
    ctx = context(request)
    target = f"{resource_type}/{logical_id}"
    if request.method == "DELETE":
        try:
            with transaction.atomic():
                interactions.delete(ctx, resource_type, logical_id)
                interactions.record_write(
                    ctx, "delete", {"resourceType": resource_type, "id": logical_id}
                )
        except FhirError as exc:
            interactions.record_failure(ctx, "delete", target, exc)
            raise
        return HttpResponse(status=204)
    if request.method == "GET":
        try:
            reduce = parse_query(
                resource_type,
                QueryDict(
                    "&".join(
                        f"{name}={quote(value)}"
                        for name in ("_summary", "_elements")
                        for value in request.GET.getlist(name)
                    )
                ),
                {},
                (),
                _strict(request),
            )
            if reduce.summary == "count":
                raise FhirError(
                    400,
                    Issue(
                        "invalid",
                        _("_summary=count is for searches."),
                        ("_summary",),
                        key="bad-parameter",
                    ),
                )
            resource = interactions.read(ctx, resource_type, logical_id)
        except FhirError as exc:
            interactions.record_failure(ctx, "read", target, exc)
            raise
        headers = _resource_headers(resource, ctx.base_url)
        return render(request, subset(resource, reduce.summary, reduce.elements), 200, headers)
    data = parse_body(request)
    try:
        with transaction.atomic():
            resource, created = interactions.write(ctx, resource_type, logical_id, data)
            interactions.record_write(ctx, "create" if created else "update", resource)
    except FhirError as exc:
        interactions.record_failure(ctx, "update", target, exc)
        raise
    return _write_response(request, ctx, resource, 201 if created else 200)


def _write_response(
    request: HttpRequest, ctx: FhirContext, resource: dict[str, Any], status: int
) -> HttpResponse:
    headers = _resource_headers(resource, ctx.base_url)
    preference = _return_preference(request)
    if preference == "minimal":
        response = HttpResponse(status=status)
        for name, value in headers.items():
            response[name] = value
        return response
    if preference == "operationoutcome":
        return render(request, operation_outcome(ctx.warnings), status, headers)
    return render(request, resource, status, headers)


@fhir_endpoint(("GET",))
def vread(request: HttpRequest, resource_type: str, logical_id: str, version: str) -> HttpResponse:
    """GET [base]/[type]/[id]/_history/[vid]: one version (decision 0035)."""
    handler_for(resource_type)
    ctx = context(request)
    try:
        resource = interactions.vread(ctx, resource_type, logical_id, version)
    except FhirError as exc:
        interactions.record_failure(ctx, "vread", f"{resource_type}/{logical_id}", exc)
        raise
    return render(request, resource, 200, _resource_headers(resource, ctx.base_url))


@fhir_endpoint(("GET",))
def history(request: HttpRequest, resource_type: str, logical_id: str) -> HttpResponse:
    """GET [base]/[type]/[id]/_history: every version, newest first, as a history Bundle
    (``_count`` and ``_page`` as in a search)."""
    handler_for(resource_type)
    ctx = context(request)
    try:
        count, page = page_parameters(request.GET, _strict(request))
        entries = interactions.history(ctx, resource_type, logical_id)
    except FhirError as exc:
        interactions.record_failure(ctx, "history", f"{resource_type}/{logical_id}", exc)
        raise
    return render(
        request, history_bundle(ctx.base_url, resource_type, logical_id, entries, count, page)
    )


@fhir_endpoint(("GET",))
def unsupported_history(request: HttpRequest, resource_type: str = "") -> HttpResponse:
    """GET [base]/_history and [base]/[type]/_history: not supported (405, as published)."""
    if resource_type:
        handler_for(resource_type)
    raise FhirError(
        405,
        Issue(
            "not-supported",
            _(
                "History of a whole type or of the server is not supported; ask for the "
                "history of one resource ([type]/[id]/_history)."
            ),
            key="history-type-not-supported",
        ),
    )
