"""The API way in: the same checks and all-or-nothing as a file; errors per value."""

from __future__ import annotations

import pytest

from palliare.deliveries.models import Delivery

pytestmark = pytest.mark.django_db


def _body(data_set, period, values, **extra):
    return {
        "data_set": data_set.code,
        "period": period.label,
        "version": 1,
        "values": [{"code": c, "value": v} for c, v in values.items()],
        **extra,
    }


def test_controller_lists_data_sets_and_delivers(client_for, controller, data_set, period):
    client = client_for(controller)
    listed = client.get("/api/v1/data-sets/").json()
    assert [d["code"] for d in listed["results"]] == [data_set.code]
    assert listed["results"][0]["rules"] == [
        {"left": "consultations_with_plan", "operator": "<=", "right": "consultations"}
    ]
    body = _body(data_set, period, {"consultations": "12", "consultations_with_plan": "3,0"})
    response = client.post("/api/v1/deliveries/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["number"] == 1 and data["status"] == "submitted" and data["period"] == period.label
    assert client.get(f"/api/v1/deliveries/{data['id']}/").status_code == 200
    assert client.get("/api/v1/deliveries/").json()["count"] == 1


def test_api_errors_per_value_and_nothing_stored(client_for, controller, data_set, period):
    client = client_for(controller)
    body = _body(
        data_set,
        period,
        {"consultations": "5", "consultations_with_plan": "9", "unknown": "1"},
    )
    response = client.post(
        "/api/v1/deliveries/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "values[3]" in errors and "unknown" in errors["values[3]"][0]
    assert "values[2]" in errors
    assert Delivery.objects.count() == 0


def test_api_refuses_another_organisation_version_or_period(
    client_for, controller, data_set, period
):
    client = client_for(controller)
    values = {"consultations": "5", "consultations_with_plan": "1"}
    for extra, key in (
        ({"organization": controller.organization_id + 1000}, "organization"),
        ({"version": 7}, "version"),
        ({"period": "2025"}, "period"),
        ({"data_set": "nope"}, "data_set"),
    ):
        response = client.post(
            "/api/v1/deliveries/",
            {**_body(data_set, period, values), **extra},
            content_type="application/json",
        )
        assert response.status_code == 400, extra
        assert key in response.json()["errors"], response.json()
    assert Delivery.objects.count() == 0


def test_reviewer_cannot_deliver_through_the_api(client_for, reviewer, data_set, period):
    response = client_for(reviewer).post(
        "/api/v1/deliveries/",
        _body(data_set, period, {"consultations": "1", "consultations_with_plan": "1"}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_api_lists_run_a_fixed_number_of_queries(
    client_for, controller, data_set, django_assert_max_num_queries
):
    from palliare.deliveries.factories import DataSetFactory, DeliveryFactory
    from palliare.deliveries.periods import quarter

    client = client_for(controller)
    DeliveryFactory(data_set=data_set, organization=controller.organization)
    client.get("/api/v1/data-sets/")
    with django_assert_max_num_queries(20) as small_sets:
        client.get("/api/v1/data-sets/")
    with django_assert_max_num_queries(20) as small_list:
        client.get("/api/v1/deliveries/")
    for n in range(4):
        DataSetFactory(code=f"extra_{n}")
        DeliveryFactory(
            data_set=data_set,
            organization=controller.organization,
            period_start=quarter(2024, n + 1).start,
        )
    with django_assert_max_num_queries(len(small_sets.captured_queries)):
        assert len(client.get("/api/v1/data-sets/").json()["results"]) == 5
    with django_assert_max_num_queries(len(small_list.captured_queries)):
        assert client.get("/api/v1/deliveries/").json()["count"] == 5
