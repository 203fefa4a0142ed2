"""The OpenAPI schema of the API: generated from the code, committed as docs/api/openapi.yaml,
served at /api/v1/schema/ and shown as a page at /api/v1/docs/ (no external assets)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.functional import Promise
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

COMMITTED = Path("docs") / "api" / "openapi.yaml"


def generate() -> dict[str, Any]:
    """The schema as a dictionary, for every endpoint (not filtered by who asks), in English
    whatever the active language, so that the committed file does not depend on it."""
    with translation.override("en"):
        generator = SchemaGenerator()  # type: ignore[no-untyped-call]
        schema: dict[str, Any] = generator.get_schema(  # type: ignore[no-untyped-call]
            request=None, public=True
        )
        # Resolve lazy translations while English is active.
        resolved: dict[str, Any] = json.loads(json.dumps(schema, cls=_LazyEncoder))
    return resolved


class _LazyEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Promise):
            return str(o)
        return super().default(o)


def as_yaml(schema: dict[str, Any]) -> str:
    rendered: bytes = OpenApiYamlRenderer().render(  # type: ignore[no-untyped-call]
        schema, renderer_context={}
    )
    return rendered.decode("utf-8")


def committed_path() -> Path:
    return Path(settings.BASE_DIR) / COMMITTED


@lru_cache(maxsize=1)
def cached() -> dict[str, Any]:
    return generate()


def _schema_name(ref: dict[str, Any] | None) -> str:
    if not ref:
        return ""
    if "$ref" in ref:
        return str(ref["$ref"]).rsplit("/", 1)[-1]
    if ref.get("type") == "array":
        return f"[{_schema_name(ref.get('items'))}]"
    return str(ref.get("type", ""))


def operations() -> list[dict[str, Any]]:
    """The operations in a shape the documentation page can show without logic."""
    schema = cached()
    result = []
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            body = (op.get("requestBody") or {}).get("content", {})
            json_body = body.get("application/json", {}).get("schema")
            result.append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p.get("name"),
                            "where": p.get("in"),
                            "required": p.get("required", False),
                            "type": _schema_name(p.get("schema")),
                            "enum": (p.get("schema") or {}).get("enum", []),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "request": _schema_name(json_body),
                    "responses": [
                        {
                            "code": code,
                            "description": r.get("description", ""),
                            "schema": _schema_name(
                                r.get("content", {}).get("application/json", {}).get("schema")
                            ),
                        }
                        for code, r in op.get("responses", {}).items()
                    ],
                }
            )
    return result


def components() -> list[dict[str, Any]]:
    schemas = cached().get("components", {}).get("schemas", {})
    shown = []
    for name, spec in sorted(schemas.items()):
        required = set(spec.get("required", []))
        shown.append(
            {
                "name": name,
                "description": spec.get("description", ""),
                "enum": spec.get("enum", []),
                "properties": [
                    {
                        "name": prop,
                        "type": _schema_name(details)
                        or _schema_name((details.get("allOf") or [{}])[0]),
                        "required": prop in required,
                        "nullable": details.get("nullable", False),
                        "read_only": details.get("readOnly", False),
                        "description": details.get("description", ""),
                    }
                    for prop, details in spec.get("properties", {}).items()
                ],
            }
        )
    return shown
