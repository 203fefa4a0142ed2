"""Content negotiation and (de)serialisation: FHIR JSON and FHIR XML in and out.

Incoming XML is parsed with a hardened parser (no DTDs, no entities, no network) and turned
into FHIR JSON through the ``fhir.resources`` R4B models; everything after that works on JSON.
Outgoing XML is produced the same way in reverse.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from fhir.resources import R4B
from lxml import etree

from .constants import FORMAT_ALIASES, JSON, XML
from .outcome import FhirError, Issue

#: Bodies larger than this are refused before parsing (a transaction of a whole plan is ~100 KB).
MAX_BODY_BYTES = 5 * 1024 * 1024


def _media_type(value: str) -> str:
    return value.split(";")[0].strip().lower()


def response_format(request: HttpRequest) -> str:
    """``json`` or ``xml``: ``_format`` wins over the Accept header; JSON by default."""
    requested = request.GET.get("_format", "")
    if requested:
        chosen = FORMAT_ALIASES.get(_media_type(requested))
        if chosen is None:
            raise FhirError(
                406,
                Issue(
                    "not-supported",
                    _("Format %(format)s is not supported; use json or xml."),
                    ("_format",),
                    params={"format": requested[:50]},
                    key="format-not-supported",
                ),
            )
        return chosen
    for part in request.headers.get("Accept", "").split(","):
        chosen = FORMAT_ALIASES.get(_media_type(part))
        if chosen is not None:
            return chosen
    return "json"


def request_format(request: HttpRequest) -> str:
    content_type = _media_type(request.headers.get("Content-Type", ""))
    if not content_type:
        return "json"
    chosen = FORMAT_ALIASES.get(content_type)
    if chosen is None:
        raise FhirError(
            415,
            Issue(
                "not-supported",
                _(
                    "Content type %(type)s is not supported; send application/fhir+json or "
                    "application/fhir+xml."
                ),
                params={"type": content_type[:80]},
                key="content-type-not-supported",
            ),
        )
    return chosen


def _invalid(message: Any, **params: Any) -> FhirError:
    return FhirError(400, Issue("structure", message, params=params, key="unparseable"))


def _too_large() -> FhirError:
    return FhirError(
        413,
        Issue(
            "too-costly",
            _("The request body is too large (at most %(mb)s MB)."),
            params={"mb": MAX_BODY_BYTES // (1024 * 1024)},
            key="body-too-large",
        ),
    )


def read_body(request: HttpRequest) -> bytes:
    """The raw body, up to :data:`MAX_BODY_BYTES` (413 beyond). Django's own in-memory limit
    (``DATA_UPLOAD_MAX_MEMORY_SIZE``, 2.5 MB) is for forms; FHIR's limit is this one."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise _too_large()
    try:
        body = request.body
    except RequestDataTooBig:
        body = request.read(MAX_BODY_BYTES + 1)
        request._body = body  # later readers see the same bytes
    if len(body) > MAX_BODY_BYTES:
        raise _too_large()
    return body


def parse_body(request: HttpRequest) -> dict[str, Any]:
    """The request body as a FHIR JSON object (XML converted), or 400."""
    body = read_body(request)
    if not body.strip():
        raise _invalid(_("The request has no body; send a FHIR resource."))
    if request_format(request) == "xml":
        return parse_xml(body)
    return parse_json(body)


def parse_json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise _invalid(_("The body is not valid JSON: %(error)s"), error=str(exc)[:200]) from None
    if not isinstance(data, dict):
        raise _invalid(_("The body must be a JSON object with a resourceType."))
    if _has_nul(data):
        raise _invalid(_("The body contains a NUL character, which FHIR strings cannot hold."))
    return data


def _has_nul(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if depth > 200:
        return False
    if isinstance(value, dict):
        return any(_has_nul(k, depth) or _has_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v, depth + 1) for v in value)
    return False


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True
)


def parse_xml(body: bytes) -> dict[str, Any]:
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise _invalid(_("The body is not valid XML: %(error)s"), error=str(exc)[:200]) from None
    tree = root.getroottree()
    if tree.docinfo.doctype:
        raise _invalid(_("XML with a document type declaration is not accepted."))
    qname = etree.QName(root)
    if qname.namespace != "http://hl7.org/fhir":
        raise _invalid(_("The XML root element is not in the FHIR namespace http://hl7.org/fhir."))
    model = model_class(qname.localname)
    if model is None:
        raise FhirError(
            400,
            Issue(
                "structure",
                _("Unknown resource type %(type)s."),
                params={"type": qname.localname[:60]},
                key="unknown-resource-type",
            ),
        )
    try:
        instance = model.model_validate_xml(body, xmlparser=_PARSER)
    except Exception as exc:  # the XML reader raises many kinds for malformed FHIR XML
        from .validation.structure import issues_from_exception

        raise FhirError(400, issues_from_exception(exc, qname.localname)) from None
    data: dict[str, Any] = json.loads(instance.model_dump_json())
    return data


def model_class(resource_type: str) -> Any:
    if not isinstance(resource_type, str) or not resource_type.isalpha():
        return None
    try:
        return R4B.get_fhir_model_class(resource_type)
    except (KeyError, ValueError, AttributeError, ImportError):
        return None


def to_xml(resource: dict[str, Any]) -> bytes:
    model = model_class(resource["resourceType"])
    xml: bytes = model.model_validate(resource).model_dump_xml()
    return xml


def render(
    request: HttpRequest,
    resource: dict[str, Any],
    status: int = 200,
    headers: dict[str, str] | None = None,
    fmt: str | None = None,
) -> HttpResponse:
    """A FHIR response in the negotiated format."""
    if fmt is None:
        try:
            fmt = response_format(request)
        except FhirError:
            fmt = "json"
    if fmt == "xml":
        body = to_xml(resource)
        content_type = f"{XML}; charset=utf-8"
    else:
        indent = 2 if request.GET.get("_pretty") == "true" else None
        body = json.dumps(resource, ensure_ascii=False, indent=indent).encode("utf-8")
        content_type = f"{JSON}; charset=utf-8"
    response = HttpResponse(body, status=status, content_type=content_type)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
