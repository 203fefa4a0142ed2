"""The referral form's pick-lists (issue 18 item 11): the facilities offered are those of the
chosen receiving organisation, each with its free beds from the capacity app's current status;
the chosen facility's beds are shown beside it; the bed search's "refer" opens the form with the
facility and its organisation filled in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.capacity.factories import FacilityFactory
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory, PostcodeAreaFactory
from palliare.patients.factories import PatientFactory
from palliare.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_actor):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    north = OrganizationFactory(name="Hospice Noord", type=OrganizationType.HOSPICE)
    south = OrganizationFactory(name="Hospice Zuid", type=OrganizationType.HOSPICE)
    return {
        "patient": PatientFactory(gp_practice=practice, marked=True),
        "north": north,
        "north_house": FacilityFactory(
            organization=north, name="Huize Noorderlicht", free=2, beds=7
        ),
        "south_house": FacilityFactory(organization=south, name="Huize Zuiderzon", full=True),
        "gp": make_actor(RoleCode.GP, organization=practice),
    }


def _url(world):
    return reverse("referrals:create", args=[world["patient"].pk])


def test_no_facilities_before_an_organisation_is_chosen(world, client_for):
    html = client_for(world["gp"]).get(_url(world)).content.decode()
    assert "Huize Noorderlicht" not in html
    assert "Huize Zuiderzon" not in html


def test_the_chosen_organisations_facilities_with_free_beds(world, client_for):
    html = (
        client_for(world["gp"])
        .get(_url(world), {"receiving_organization": world["north"].pk})
        .content.decode()
    )
    assert "Huize Noorderlicht" in html
    assert "2 van 7 bedden vrij" in html
    assert "Huize Zuiderzon" not in html


def test_refer_from_the_bed_search_prefills_the_facility(world, client_for):
    house = world["north_house"]
    html = client_for(world["gp"]).get(_url(world), {"facility": house.pk}).content.decode()
    assert f'<option value="{world["north"].pk}" selected>' in html
    assert f'<option value="{house.pk}" selected>' in html
    beds = html.split('data-testid="facility-beds"')[1].split("</div>")[0]
    assert "2 bedden vrij" in beds
    response = client_for(world["gp"]).post(
        _url(world),
        {
            "receiving_organization": world["north"].pk,
            "facility": house.pk,
            "urgency": "this_week",
            "question": "Thuis gaat het niet meer.",
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get().facility == house


def test_a_facility_of_another_organisation_is_refused(world, client_for):
    response = client_for(world["gp"]).post(
        _url(world),
        {
            "receiving_organization": world["north"].pk,
            "facility": world["south_house"].pk,
            "urgency": "this_week",
            "question": "Thuis gaat het niet meer.",
        },
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_the_bed_search_offers_refer_when_coming_from_a_patient(world, client_for):
    PostcodeAreaFactory(pc4="9401")
    house = world["north_house"]
    client = client_for(world["gp"])
    url = reverse("capacity:search")
    html = client.get(url, {"postcode": "9401", "patient": world["patient"].pk}).content.decode()
    assert f"{_url(world)}?facility={house.pk}" in html
    assert 'name="patient"' in html
    html = client.get(url, {"postcode": "9401"}).content.decode()
    assert "?facility=" not in html
