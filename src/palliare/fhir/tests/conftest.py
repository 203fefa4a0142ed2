"""Fixtures of the FHIR tests: API clients with tokens and a thin FHIR-speaking test client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from palliare.fhir.factories import make_client
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory, PostcodeAreaFactory

EXAMPLES = Path(__file__).resolve().parents[5] / "shared" / "fhir" / "examples"
if not EXAMPLES.exists():  # the checkout's sibling shared/ folder (worktrees, CI)
    EXAMPLES = Path("/work/shared/fhir/examples")


def _careplans_installed() -> bool:
    from django.apps import apps

    return apps.is_installed("palliare.careplans")


#: The ACP resources are built on the care plan (app ``careplans``).
requires_careplans = pytest.mark.skipif(
    not _careplans_installed(), reason="needs the care plan app (careplans)"
)


class Api:
    """A Django test client speaking FHIR JSON with a bearer token."""

    def __init__(self, token: str, client: Any = None) -> None:
        self.token = token
        self.http = Client()
        self.client = client

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        for name, value in (extra or {}).items():
            headers["HTTP_" + name.upper().replace("-", "_")] = value
        return headers

    def get(self, url: str, **headers: str) -> Any:
        return self.http.get("/fhir/" + url, **self._headers(headers))

    def put(
        self, url: str, body: Any, content_type: str = "application/fhir+json", **headers: str
    ) -> Any:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.http.put(
            "/fhir/" + url, data, content_type=content_type, **self._headers(headers)
        )

    def post(
        self, url: str, body: Any, content_type: str = "application/fhir+json", **headers: str
    ) -> Any:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.http.post(
            "/fhir/" + url, data, content_type=content_type, **self._headers(headers)
        )


@pytest.fixture(autouse=True)
def _fresh_token_cache(request: Any, settings: Any) -> Any:
    """Each test starts and ends with this process's token cache empty, and checks the token
    in the database on every request (``FHIR_TOKEN_CACHE_SECONDS = 0``) — what these tests
    were written for: counting the statements of a request, revoking a token by an UPDATE.
    A module that sets ``REMEMBER_TOKENS = True`` (test_token_cache) runs with the cache as
    configured."""
    from palliare.fhir.auth import forget_tokens

    if not getattr(request.module, "REMEMBER_TOKENS", False):
        settings.FHIR_TOKEN_CACHE_SECONDS = 0
    forget_tokens()
    yield
    forget_tokens()


@pytest.fixture
def practice(db: Any) -> Any:
    return OrganizationFactory(
        type=OrganizationType.GP_PRACTICE, name="Huisartsenpraktijk Test", agb_code="01999901"
    )


@pytest.fixture
def postcodes(db: Any) -> None:
    """The postcode areas of the examples' addresses (reference data is not loaded in tests)."""
    for pc4 in ("3011", "1012", "2353", "9401"):
        PostcodeAreaFactory(pc4=pc4)


@pytest.fixture
def api(practice: Any, postcodes: None) -> Api:
    """A client of a GP practice with read and write scopes."""
    client, token = make_client("system/*.read system/*.write", organization=practice)
    return Api(token, client)


@pytest.fixture
def reader(practice: Any) -> Api:
    """A client of the same GP practice with read scope only."""
    client, token = make_client("system/*.read", organization=practice, name="Alleen lezen")
    return Api(token, client)


def example(name: str) -> dict[str, Any]:
    path = next(EXAMPLES.rglob(name))
    if path.suffix == ".json":
        data: dict[str, Any] = json.loads(path.read_text())
        return data
    from palliare.fhir.formats import parse_xml

    return parse_xml(path.read_bytes())


def outcome_keys(response: Any) -> list[str]:
    body = json.loads(response.content)
    assert body["resourceType"] == "OperationOutcome", body
    return [i["details"]["coding"][0]["code"] for i in body["issue"]]
