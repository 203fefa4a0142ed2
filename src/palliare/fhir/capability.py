"""The CapabilityStatement and the SMART configuration, generated from the registered
handlers so they state exactly what this server implements."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .constants import FHIR_VERSION, MAX_BUNDLE_ENTRIES, MAX_PAGE, MAX_PAGE_SIZE
from .formats import MAX_BODY_BYTES
from .resources import REGISTRY
from .resources import load as load_handlers

_SEARCH_TYPES = {"token", "reference", "date", "string", "uri", "number", "quantity"}


def smart_configuration(base: str) -> dict[str, Any]:
    return {
        "issuer": base,
        "token_endpoint": f"{base}/auth/token",
        "token_endpoint_auth_methods_supported": [
            "private_key_jwt",
            "client_secret_basic",
            "client_secret_post",
        ],
        "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": [
            "system/*.read",
            "system/*.write",
            "system/*.rs",
            "system/*.cruds",
            *sorted(f"system/{t}.read" for t in REGISTRY),
            *sorted(f"system/{t}.write" for t, h in REGISTRY.items() if "create" in h.interactions),
        ],
        "capabilities": ["client-confidential-asymmetric", "client-confidential-symmetric"],
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
        entry["readHistory"] = "vread" in handler.interactions
        if "update" in handler.interactions:
            entry["versioning"] = "versioned"
            entry["updateCreate"] = True
            entry["conditionalCreate"] = "create" in handler.interactions
            entry["conditionalUpdate"] = True
            entry["conditionalDelete"] = "not-supported"
        if handler.includes:
            entry["searchInclude"] = list(handler.includes)
        if handler.revincludes:
            entry["searchRevInclude"] = list(handler.revincludes)
        params = []
        for param in handler.params.values():
            item: dict[str, Any] = {"name": param.name, "type": param.type}
            docs = [param.documentation] if param.documentation else []
            if param.modifiers:
                docs.append("modifiers: " + ", ".join(f":{m}" for m in param.modifiers))
            if param.chains:
                docs.append(
                    "chains: "
                    + ", ".join(
                        f"{param.name}.{c}" + "".join(f" :{m}" for m in param.chain_modifiers)
                        for c in param.chains
                    )
                )
            if docs:
                item["documentation"] = "; ".join(docs)
            params.append(item)
        if handler.sorts:
            params.append(
                {
                    "name": "_sort",
                    "type": "string",
                    "documentation": "sort keys (- for descending): " + ", ".join(handler.sorts),
                }
            )
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
                    "handling=strict. Client-assigned ids need a letter; one id per resource "
                    "(a second id for a registered BSN or an element of the care plan that "
                    "already has one is refused with 409 naming it). Limits per request: "
                    f"a body of at most {MAX_BODY_BYTES // (1024 * 1024)} MB, at most "
                    f"{MAX_BUNDLE_ENTRIES} entries in a transaction or batch Bundle, "
                    f"_count at most {MAX_PAGE_SIZE}, _page at most {MAX_PAGE} (413 or 400 "
                    "with an OperationOutcome beyond)."
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
                        "scopes system/<Type|*>.read|write. Name the practitioner on whose "
                        "behalf the system acts in the header X-Request-On-Behalf-Of as "
                        "system|value (UZI, BIG or AGB identifier, e.g. "
                        "http://fhir.nl/fhir/NamingSystem/uzi-nr-pers|123456789); the access "
                        "log (NEN 7513) records it, and records 'no practitioner given' "
                        'without it. Optimistic locking: If-Match (W/"<versionId>") is '
                        "honoured on every update and create (412 when the resource is not at "
                        "that version); without it an update applies to the current version. "
                        "A care-plan resource's version is the version of the plan."
                    ),
                },
                "resource": resources,
                "interaction": [{"code": "transaction"}, {"code": "batch"}],
                "searchParam": [
                    {"name": "_count", "type": "number"},
                    {"name": "_page", "type": "number"},
                    {
                        "name": "_summary",
                        "type": "token",
                        "documentation": "true, count, data or false (also on read)",
                    },
                    {
                        "name": "_elements",
                        "type": "string",
                        "documentation": "top-level elements, comma-separated (also on read)",
                    },
                ],
            }
        ],
    }
