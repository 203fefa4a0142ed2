"""The directory's JSON API (``/api/v1/organizations/``): search and filters with their
validation, one organisation, a fixed number of queries per list, empty parameters refused as
the schema says. The shared API behaviour (401, 403, errors, schema) is tested in the api app."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gp(client_for, make_actor):
    return client_for(make_actor(RoleCode.GP))


def test_urls_keep_their_paths_and_names():
    assert reverse("api:organization_list") == "/api/v1/organizations/"
    assert reverse("api:organization_detail", args=[7]) == "/api/v1/organizations/7/"


def test_organizations(gp):
    org = OrganizationFactory(name="Hospice De Duinroos", hospice=True)
    body = gp.get("/api/v1/organizations/?q=duinroos").json()
    assert [o["id"] for o in body["results"]] == [org.pk]
    assert gp.get(f"/api/v1/organizations/{org.pk}/").json()["type"] == "hospice"
    assert gp.get("/api/v1/organizations/?type=castle").status_code == 400
    assert gp.get("/api/v1/organizations/?q=" + "x" * 101).status_code == 400
    assert gp.get("/api/v1/organizations/?q=a%00b").status_code == 400


def test_missing_organization_is_a_json_404(gp):
    response = gp.get("/api/v1/organizations/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_list_queries_do_not_grow(gp):
    counts = []
    for n in (2, 7):
        OrganizationFactory.create_batch(n)
        with CaptureQueriesContext(connection) as queries:
            assert gp.get("/api/v1/organizations/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "url", ["/api/v1/organizations/?subregion=", "/api/v1/organizations/?type="]
)
def test_empty_parameters_are_refused_as_the_schema_says(gp, url):
    response = gp.get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
