"""Structural validation: does the JSON follow the FHIR R4 resource definitions?

``fhir.resources.R4B`` models read R4 resources (R4B changed nothing in the resources the ACP
guide uses). Their errors become OperationOutcome issues with a FHIRPath ``expression``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from ..formats import model_class
from ..outcome import FhirError, Issue

_KIND = {
    "missing": ("required", _("Element %(path)s is required.")),
    "extra_forbidden": ("structure", _("Element %(path)s is not part of a FHIR R4 %(type)s.")),
    "string_type": ("value", _("Element %(path)s must be a string.")),
    "list_type": ("structure", _("Element %(path)s must be a list (JSON array).")),
    "dict_type": ("structure", _("Element %(path)s must be an object.")),
    "model_type": ("structure", _("Element %(path)s must be an object.")),
    "bool_type": ("value", _("Element %(path)s must be true or false.")),
    "bool_parsing": ("value", _("Element %(path)s must be true or false.")),
}


def fhirpath(resource_type: str, loc: tuple[Any, ...]) -> str:
    path = resource_type
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif isinstance(part, str) and part and not part.startswith("function-"):
            if part[0].isupper() and "[" in part:  # pydantic's union member names
                continue
            path += f".{part}"
    return path


def issues_from_validation_error(exc: ValidationError, resource_type: str) -> list[Issue]:
    issues = []
    for error in exc.errors()[:50]:
        path = fhirpath(resource_type, tuple(error.get("loc", ())))
        code, message = _KIND.get(
            error.get("type", ""),
            ("value", _("Element %(path)s is invalid: %(detail)s")),
        )
        issues.append(
            Issue(
                code,
                message,
                (path,),
                params={"path": path, "type": resource_type, "detail": str(error.get("msg"))[:300]},
                key=f"structure-{error.get('type', 'invalid')}",
            )
        )
    return issues


def issues_from_exception(exc: Exception, resource_type: str) -> list[Issue]:
    if isinstance(exc, ValidationError):
        return issues_from_validation_error(exc, resource_type)
    return [
        Issue(
            "structure",
            _("The %(type)s could not be read: %(detail)s"),
            (resource_type,),
            params={"type": resource_type, "detail": str(exc)[:300] or type(exc).__name__},
            key="unreadable",
        )
    ]


def check_structure(data: dict[str, Any], expected_type: str | None = None) -> Any:
    """Validate ``data`` against the R4(B) model of its type; return the model instance."""
    rtype = data.get("resourceType")
    if not isinstance(rtype, str) or not rtype:
        raise FhirError(
            400,
            Issue(
                "required",
                _("The resource has no resourceType."),
                ("resourceType",),
                key="no-resource-type",
            ),
        )
    if expected_type is not None and rtype != expected_type:
        raise FhirError(
            400,
            Issue(
                "invalid",
                _("The body is a %(found)s, but this URL expects a %(expected)s."),
                ("resourceType",),
                params={"found": rtype[:60], "expected": expected_type},
                key="wrong-resource-type",
            ),
        )
    model = model_class(rtype)
    if model is None:
        raise FhirError(
            400,
            Issue(
                "structure",
                _("Unknown resource type %(type)s."),
                ("resourceType",),
                params={"type": rtype[:60]},
                key="unknown-resource-type",
            ),
        )
    try:
        return model.model_validate(data)
    except RecursionError:
        raise FhirError(
            400, Issue("structure", _("The resource is nested too deeply."), key="too-deep")
        ) from None
    except Exception as exc:  # pydantic and the FHIR validators raise several kinds
        raise FhirError(400, issues_from_exception(exc, rtype)) from None
