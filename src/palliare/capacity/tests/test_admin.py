"""The coordinator describes facilities and district-nursing services in the administration
screens (logged); bed history is shown read-only and cannot be deleted there."""

from __future__ import annotations

import pytest

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.capacity.factories import DistrictNursingServiceFactory, FacilityFactory
from palliare.capacity.models import DistrictNursingService, Facility
from palliare.organizations.factories import LocationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for, make_actor):
    return client_for(make_actor(RoleCode.NETWORK_COORDINATOR))


def test_facility_admin_creates_with_a_log(admin_client):
    org = OrganizationFactory(hospice=True)
    location = LocationFactory(organization=org)
    assert admin_client.get("/admin/capacity/facility/add/").status_code == 200
    response = admin_client.post(
        "/admin/capacity/facility/add/",
        {
            "organization": org.pk,
            "location": location.pk,
            "name": "",
            "kind": "hospice",
            "admissions_phone": "",
            "is_active": "on",
            "statuses-TOTAL_FORMS": "0",
            "statuses-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    facility = Facility.objects.get(organization=org)
    assert AuditEvent.objects.filter(
        event_type="capacity.facility_created", subject_id=str(facility.pk)
    ).exists()


def test_facility_admin_refuses_a_location_of_another_organisation(admin_client):
    org = OrganizationFactory(hospice=True)
    response = admin_client.post(
        "/admin/capacity/facility/add/",
        {
            "organization": org.pk,
            "location": LocationFactory().pk,
            "kind": "hospice",
            "is_active": "on",
            "statuses-TOTAL_FORMS": "0",
            "statuses-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert not Facility.objects.filter(organization=org).exists()


def test_history_is_read_only_in_admin(admin_client):
    facility = FacilityFactory()
    html = admin_client.get(f"/admin/capacity/facility/{facility.pk}/change/").content.decode()
    assert "statuses-0-free_beds" not in html  # no editable inputs for history rows
    assert admin_client.get(f"/admin/capacity/facility/{facility.pk}/delete/").status_code == 403


def test_district_nursing_admin(admin_client):
    org = OrganizationFactory(type="district_nursing")
    response = admin_client.post(
        "/admin/capacity/districtnursingservice/add/",
        {"organization": org.pk, "referral_phone": "0592 123 456", "is_active": "on"},
    )
    assert response.status_code == 302
    assert DistrictNursingService.objects.filter(organization=org).exists()
    assert AuditEvent.objects.filter(event_type="capacity.district_nursing_registered").exists()
    service = DistrictNursingServiceFactory()
    assert (
        admin_client.get(f"/admin/capacity/districtnursingservice/{service.pk}/change/").status_code
        == 200
    )


def test_other_roles_cannot_open_capacity_admin(client_for, make_actor):
    client = client_for(make_actor(RoleCode.FACILITY_COORDINATOR))
    assert client.get("/admin/capacity/facility/").status_code == 403
