"""Validation of incoming resources: structure (FHIR R4 via fhir.resources R4B), then the
profile rules of the IKNL ACP guide and nl-core (``rules``)."""

from __future__ import annotations

from typing import Any

from .structure import check_structure


def validate_resource(data: dict[str, Any], expected_type: str | None = None) -> None:
    """Raise FhirError (400 structure, 422 profile rules) with every problem found."""
    from .rules import check_rules

    check_structure(data, expected_type)
    check_rules(data)
