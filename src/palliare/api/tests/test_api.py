"""The shared API layer under /api/v1/, tested through the directory's endpoints (the
foundation's own; each app tests its endpoints in its own tests): 401 without login or second
factor, 403 for a role without the endpoint's permission, errors as JSON (404 for unknown paths
and ids, 400 naming a malformed limit or offset), the public schema and documentation, the
committed OpenAPI schema matching the code."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from palliare.accounts.factories import UserFactory
from palliare.accounts.permissions import RoleCode
from palliare.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gp(client_for, make_actor):
    return client_for(make_actor(RoleCode.GP))


def test_anonymous_and_half_logged_in_get_401_json(client):
    assert client.get("/api/v1/organizations/").status_code == 401
    assert client.get("/api/v1/organizations/").json()["detail"]
    user = UserFactory(with_device=True)
    half = Client()
    half.force_login(user)  # password, no second factor
    response = half.get("/api/v1/organizations/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Second factor required."


def test_role_without_the_permission_gets_403(client_for, make_actor):
    from palliare.accounts.models import Role

    Role.objects.create(code="empty", name="Leeg")
    response = client_for(make_actor("empty")).get("/api/v1/organizations/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_not_found_is_json(gp):
    for url in (
        "/api/v1/organizations/999999/",
        "/api/v1/nothing-here/",
        "/api/v1/organizations/123456789012345678901234567890/",
    ):
        response = gp.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"


def test_pagination_takes_whole_numbers_only(gp):
    before = gp.get("/api/v1/organizations/").json()["count"]  # the GP's own practice
    OrganizationFactory.create_batch(3)
    body = gp.get("/api/v1/organizations/?limit=2&offset=1").json()
    assert body["count"] == before + 3 and len(body["results"]) == 2
    for query in ("offset=abc", "offset=-1", "limit=1.5", "limit=0", "limit=201"):
        response = gp.get(f"/api/v1/organizations/?{query}")
        assert response.status_code == 400, query
        assert response.json()["code"] == "invalid", query
        assert query.split("=")[0] in response.json()["errors"], query


def test_schema_and_docs_are_public(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"openapi: 3" in response.content
    from palliare.api import schema

    assert response.content.decode() == schema.committed_path().read_text(encoding="utf-8")
    assert client.get("/api/v1/schema/?format=json").json()["openapi"].startswith("3")
    # The endpoints of every app that has them are in the one schema.
    for path in (b"/api/v1/organizations/{id}/", b"/api/v1/facilities/{id}/status/"):
        assert path in response.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"/api/v1/search/" in docs.content


def test_committed_schema_matches_the_code():
    call_command("openapi_schema", "--check")
