"""Test data for the FHIR API: clients with tokens, acting for an organisation."""

from __future__ import annotations

from typing import Any

from palliare.organizations.factories import OrganizationFactory

from .auth import create_api_client, issue_token


def make_client(
    scopes: str = "system/*.read system/*.write",
    organization: Any = None,
    name: str = "Testsysteem",
) -> tuple[Any, str]:
    """An API client and a fresh bearer token for it."""
    org = organization or OrganizationFactory()
    client, secret = create_api_client(name, org, scopes)
    token, _row = issue_token(client.client_id, secret, "")
    return client, token
