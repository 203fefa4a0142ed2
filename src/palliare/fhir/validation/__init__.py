"""Validation of incoming resources: structure (FHIR R4 via fhir.resources R4B), then the
profile rules of the IKNL ACP guide and nl-core (``rules``)."""

from __future__ import annotations

from typing import Any

from ..outcome import Issue
from .structure import check_structure


def validate_resource(data: dict[str, Any], expected_type: str | None = None) -> list[Issue]:
    """Raise FhirError (400 structure, 422 profile rules) with every error found; return the
    warnings."""
    from .rules import check_rules

    check_structure(data, expected_type)
    return check_rules(data)
