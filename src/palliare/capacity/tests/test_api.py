"""The capacity endpoints of the JSON API (/api/v1/facilities/, district-nursing, search,
quality-requirements): read for every professional with access to the directory, write of bed
status only for the facility's own staff; errors as JSON with clear messages (400 invalid input,
403, 404, 409 on a concurrent report); lists use a fixed number of queries. The shared layer
(401, schema) is tested in the api app."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from palliare.accounts.factories import UserFactory
from palliare.accounts.permissions import RoleCode
from palliare.capacity.factories import (
    DistrictNursingServiceFactory,
    FacilityFactory,
    QualityRequirementFactory,
)
from palliare.capacity.models import BedStatus
from palliare.organizations.factories import (
    MunicipalityFactory,
    PostcodeAreaFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def gp(client_for, make_actor):
    return client_for(make_actor(RoleCode.GP))


@pytest.fixture
def hospice(client_for, make_actor):
    facility = FacilityFactory(free=1, beds=6)
    staff = client_for(
        make_actor(RoleCode.FACILITY_COORDINATOR, organization=facility.organization)
    )
    return facility, staff


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_anonymous_gets_401_json(client):
    assert client.get("/api/v1/facilities/").status_code == 401
    assert client.get("/api/v1/facilities/").json()["detail"]
    user = UserFactory(with_device=True)
    half = Client()
    half.force_login(user)  # password, no second factor
    response = half.get("/api/v1/facilities/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Second factor required."


def test_role_without_directory_access_gets_403(client_for, make_actor):
    from palliare.accounts.models import Role

    Role.objects.create(code="empty", name="Leeg")
    response = client_for(make_actor("empty")).get("/api/v1/facilities/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_facility_list_and_detail(gp):
    facility = FacilityFactory(free=3, beds=8)
    FacilityFactory(full=True)
    body = gp.get("/api/v1/facilities/?available=true").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == facility.pk
    assert item["status"]["free_beds"] == 3
    assert item["status"]["beds"] == 8
    assert item["is_stale"] is False
    assert item["location"]["pc4"] == facility.location.postcode_area_id
    detail = gp.get(f"/api/v1/facilities/{facility.pk}/").json()
    assert detail["name"] == facility.display_name


def test_filters_validate_their_values(gp):
    response = gp.get("/api/v1/facilities/?kind=castle&available=perhaps")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"kind", "available"}


def test_not_found_is_json(gp):
    for url in (
        "/api/v1/facilities/999999/",
        "/api/v1/nothing-here/",
        "/api/v1/facilities/123456789012345678901234567890/",
    ):
        response = gp.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"


def test_history_is_paginated(gp, hospice):
    facility, staff = hospice
    for free in (2, 3, 4):
        _post(staff, f"/api/v1/facilities/{facility.pk}/status/", {"free_beds": free})
    body = gp.get(f"/api/v1/facilities/{facility.pk}/history/?limit=2").json()
    assert body["count"] == 4
    assert [r["free_beds"] for r in body["results"]] == [4, 3]


def test_facility_reports_its_own_beds(hospice):
    facility, staff = hospice
    response = _post(
        staff,
        f"/api/v1/facilities/{facility.pk}/status/",
        {"free_beds": 2, "waiting_list": 1, "note": "vanaf vandaag"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"]["free_beds"] == 2
    assert body["status"]["beds"] == 6  # kept from the current status
    assert body["status"]["channel"] == "api"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"free_beds": -1}, "free_beds"),
        ({"free_beds": 7}, "free_beds"),
        ({"free_beds": 1, "beds": 0}, "free_beds"),
        ({"free_beds": "veel"}, "free_beds"),
        ({}, "free_beds"),
        ({"free_beds": 1, "admission_status": "maybe"}, "admission_status"),
        ({"free_beds": 1, "waiting_list": 10_000}, "waiting_list"),
    ],
)
def test_bad_reports_get_400_with_field_messages(hospice, payload, field):
    facility, staff = hospice
    response = _post(staff, f"/api/v1/facilities/{facility.pk}/status/", payload)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert body["errors"][field][0]
    assert BedStatus.objects.filter(facility=facility).count() == 1


def test_malformed_json_is_400(hospice):
    facility, staff = hospice
    response = staff.post(
        f"/api/v1/facilities/{facility.pk}/status/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"]


def test_other_facility_and_other_roles_cannot_write(hospice, client_for, make_actor, gp):
    facility, _ = hospice
    other = client_for(make_actor(RoleCode.FACILITY_COORDINATOR))
    response = _post(other, f"/api/v1/facilities/{facility.pk}/status/", {"free_beds": 1})
    assert response.status_code == 403
    assert "eigen medewerkers" in response.json()["detail"]
    assert (
        _post(gp, f"/api/v1/facilities/{facility.pk}/status/", {"free_beds": 1}).status_code == 403
    )


def test_concurrent_report_gets_409(hospice):
    facility, staff = hospice
    seen = facility.current_status_id
    _post(staff, f"/api/v1/facilities/{facility.pk}/status/", {"free_beds": 2})
    response = _post(
        staff, f"/api/v1/facilities/{facility.pk}/status/", {"free_beds": 0, "based_on": seen}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_first_report_needs_beds(client_for, make_actor):
    facility = FacilityFactory(never_reported=True)
    staff = client_for(
        make_actor(RoleCode.FACILITY_COORDINATOR, organization=facility.organization)
    )
    response = _post(staff, f"/api/v1/facilities/{facility.pk}/status/", {"free_beds": 1})
    assert response.status_code == 400
    assert "beds" in response.json()["errors"]
    response = _post(
        staff, f"/api/v1/facilities/{facility.pk}/status/", {"free_beds": 1, "beds": 4}
    )
    assert response.status_code == 201


def test_session_writes_need_the_csrf_token(hospice):
    facility, staff = hospice
    staff.handler.enforce_csrf_checks = True
    response = _post(staff, f"/api/v1/facilities/{facility.pk}/status/", {"free_beds": 2})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_search(gp):
    drenthe = MunicipalityFactory()
    PostcodeAreaFactory(pc4="9401", latitude=52.998, longitude=6.560, municipality=drenthe)
    facility = FacilityFactory(free=2)
    QualityRequirementFactory()
    service = DistrictNursingServiceFactory(taking_clients=True, qualified=True)
    service.municipalities.add(drenthe)
    body = gp.get("/api/v1/search/?postcode=9401%20AB").json()
    assert body["origin"]["pc4"] == "9401"
    assert [h["facility"]["id"] for h in body["facilities"]] == [facility.pk]
    assert body["district_nursing"][0]["service"]["quality"]["quality_status"] == "meets"
    unknown = gp.get("/api/v1/search/?postcode=0000")
    assert unknown.status_code == 400
    assert "postcode" in unknown.json()["errors"]
    assert gp.get("/api/v1/search/").status_code == 400
    assert gp.get("/api/v1/search/?postcode=9401&limit=0").status_code == 400


def test_district_nursing_and_requirements(gp):
    QualityRequirementFactory(title="Scholing")
    area = PostcodeAreaFactory(pc4="9401")
    service = DistrictNursingServiceFactory(taking_clients=True)
    service.postcode_areas.add(area)
    body = gp.get("/api/v1/district-nursing/?postcode=9401&taking_clients=true").json()
    assert [s["id"] for s in body["results"]] == [service.pk]
    assert body["results"][0]["quality"]["quality_status"] == "not_assessed"
    assert body["results"][0]["postcode_areas"] == ["9401"]
    assert gp.get("/api/v1/district-nursing/?qualified=true").json()["count"] == 0
    assert (
        gp.get(f"/api/v1/district-nursing/{service.pk}/").json()["intake"]["intake_status"] == "yes"
    )
    assert gp.get("/api/v1/quality-requirements/").json()["results"][0]["title"] == "Scholing"


def queries_at_two_sizes(client, url, add, small=2, large=9):
    counts = []
    for n in (small, large - small):
        add(n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    return counts


@pytest.mark.parametrize(
    ("url", "add"),
    [
        ("/api/v1/facilities/", lambda n: FacilityFactory.create_batch(n)),
        (
            "/api/v1/district-nursing/",
            lambda n: DistrictNursingServiceFactory.create_batch(
                n, taking_clients=True, qualified=True
            ),
        ),
    ],
)
def test_list_queries_do_not_grow(gp, url, add):
    small, large = queries_at_two_sizes(gp, url, add)
    assert small == large


def test_code_and_schema_agree_on_empty_and_malformed_parameters(gp, hospice):
    """Issue 19, item 10 (found by schemathesis): an empty choice or slug and a non-integer
    offset or limit are refused as the schema says, and bodies are JSON only (the schema's
    only media type), so ``based_on=null`` in a form is a 415, not a 400 on a valid value."""
    for url in (
        "/api/v1/facilities/?subregion=",
        "/api/v1/search/?postcode=9401&type=",
        "/api/v1/facilities/?offset=abc",
        "/api/v1/facilities/?offset=-1",
        "/api/v1/facilities/?limit=1.5",
    ):
        response = gp.get(url)
        assert response.status_code == 400, url
        assert response.json()["code"] == "invalid", url
    assert gp.get("/api/v1/facilities/?offset=0&limit=1").status_code == 200
    facility, staff = hospice
    response = staff.post(
        f"/api/v1/facilities/{facility.pk}/status/", {"free_beds": "1", "based_on": "null"}
    )
    assert response.status_code == 415
    response = _post(
        staff, f"/api/v1/facilities/{facility.pk}/status/", {"free_beds": 1, "based_on": None}
    )
    assert response.status_code == 201, response.content
