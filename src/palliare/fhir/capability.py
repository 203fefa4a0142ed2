"""The CapabilityStatement and the SMART configuration, generated from the registered
handlers so they state exactly what this server implements."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .constants import FHIR_VERSION
from .resources import REGISTRY
from .resources import load as load_handlers

_SEARCH_TYPES = {"token", "reference", "date", "string", "uri", "number", "quantity"}


def smart_configuration(base: str) -> dict[str, Any]:
    return {
        "issuer": base,
        "token_endpoint": f"{base}/auth/token",
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": [
            "system/*.read",
            "system/*.write",
            "system/*.rs",
            "system/*.cruds",
            *sorted(f"system/{t}.read" for t in REGISTRY),
            *sorted(f"system/{t}.write" for t in REGISTRY),
        ],
        "capabilities": ["client-confidential-symmetric"],
    }


def capability_statement(base: str) -> dict[str, Any]:
    load_handlers()
    resources = []
    for rtype in sorted(REGISTRY):
        handler = REGISTRY[rtype]
        entry: dict[str, Any] = {"type": rtype}
        profiles = [p for p in (handler.profile, *handler.other_profiles) if p]
        if profiles:
            entry["supportedProfile"] = profiles
        if handler.documentation:
            entry["documentation"] = handler.documentation
        entry["interaction"] = [{"code": code} for code in handler.interactions]
        if "update" in handler.interactions:
            entry["versioning"] = "versioned"
            entry["readHistory"] = False
            entry["updateCreate"] = True
            entry["conditionalCreate"] = False
            entry["conditionalUpdate"] = False
            entry["conditionalDelete"] = "not-supported"
        if handler.includes:
            entry["searchInclude"] = list(handler.includes)
        params = []
        for param in handler.params.values():
            item: dict[str, Any] = {"name": param.name, "type": param.type}
            docs = [param.documentation] if param.documentation else []
            if param.modifiers:
                docs.append("modifiers: " + ", ".join(f":{m}" for m in param.modifiers))
            if param.chains:
                docs.append("chains: " + ", ".join(f"{param.name}.{c}" for c in param.chains))
            if docs:
                item["documentation"] = "; ".join(docs)
            params.append(item)
        if params:
            entry["searchParam"] = params
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "id": "palliare",
        "url": f"{base}/metadata",
        "name": "PalliareFhirServer",
        "title": "Palliare FHIR R4 server (IKNL ACP provider and consulter)",
        "status": "active",
        "date": "2026-11-26",
        "publisher": getattr(settings, "NETWORK_NAME", "Palliare"),
        "kind": "instance",
        "instantiates": [
            "https://api.iknl.nl/docs/pzp/r4/CapabilityStatement/ACP-CapabilityStatementProvider",
        ],
        "software": {"name": "Palliare"},
        "implementation": {"description": "Palliare FHIR API", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "application/fhir+xml", "json", "xml"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Resources map to and from Palliare's domain (register, directory, care "
                    "plan). Unknown search parameters are ignored unless Prefer: "
                    "handling=strict. Client-assigned ids need a letter."
                ),
                "security": {
                    "extension": [
                        {
                            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                            "extension": [{"url": "token", "valueUri": f"{base}/auth/token"}],
                        }
                    ],
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                    "description": (
                        "SMART Backend Services style: OAuth2 client credentials "
                        "(client_secret_basic or client_secret_post) at the token endpoint; "
                        "scopes system/<Type|*>.read|write."
                    ),
                },
                "resource": resources,
                "interaction": [{"code": "transaction"}, {"code": "batch"}],
                "searchParam": [
                    {"name": "_count", "type": "number"},
                    {"name": "_page", "type": "number"},
                ],
            }
        ],
    }
