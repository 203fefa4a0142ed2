"""The public care finder: open without login, in plain Dutch; for a postcode it lists the
nearest public hospices, terminal-care volunteers, spiritual care at home and the network's
contact; never bed numbers, internal organisations or anything only professionals see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palliare.capacity.factories import FacilityFactory
from palliare.organizations.factories import (
    LocationFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
)

pytestmark = pytest.mark.django_db


def _place(org, pc4, lat, lon):
    PostcodeAreaFactory(pc4=pc4, latitude=lat, longitude=lon)
    LocationFactory(
        organization=org, postcode=f"{pc4} AA", city="Plaats", street="Brink", house_number="1"
    )


@pytest.fixture
def region():
    PostcodeAreaFactory(pc4="9401", latitude=52.998, longitude=6.560, place="Assen")
    hospice = OrganizationFactory(
        name="Hospice De Duinroos", hospice=True, public_description="Een huis vol aandacht."
    )
    _place(hospice, "9411", 52.86, 6.51)
    FacilityFactory(organization=hospice, location=hospice.locations.get(), free=3, beds=7)
    far = OrganizationFactory(name="Hospice Ver Weg", hospice=True)
    _place(far, "7811", 52.785, 6.897)
    vptz = OrganizationFactory(name="VPTZ Zuid", type="volunteer_organization", is_public=True)
    _place(vptz, "9402", 52.99, 6.57)
    spiritual = OrganizationFactory(
        name="Levensvragen Thuis", type="spiritual_care", is_public=True
    )
    _place(spiritual, "9403", 52.98, 6.55)
    network = OrganizationFactory(
        name="Netwerk Palliatieve Zorg Zuid",
        type="network_office",
        is_public=True,
        phone="0592 111 222",
    )
    _place(network, "9404", 52.97, 6.58)
    internal = OrganizationFactory(
        name="Huisartsenpost Intern", type="out_of_hours_gp_post", is_public=True
    )
    _place(internal, "9405", 52.99, 6.55)
    private = OrganizationFactory(name="Hospice Niet Openbaar", type="hospice", is_public=False)
    _place(private, "9406", 52.99, 6.56)


def test_open_without_login(client):
    response = client.get(reverse("finder:finder"))
    assert response.status_code == 200
    assert "Uw postcode" in response.content.decode()


def test_finds_help_near_a_postcode(client, region):
    html = client.get(reverse("finder:finder"), {"postcode": "9401 AB"}).content.decode()
    for name in (
        "Hospice De Duinroos",
        "VPTZ Zuid",
        "Levensvragen Thuis",
        "Netwerk Palliatieve Zorg Zuid",
    ):
        assert name in html
    assert html.index("Hospice De Duinroos") < html.index("Hospice Ver Weg")
    assert "Een huis vol aandacht." in html
    assert "0592 111 222" in html


def test_shows_nothing_internal(client, region):
    html = client.get(reverse("finder:finder"), {"postcode": "9401"}).content.decode()
    assert "Huisartsenpost Intern" not in html
    assert "Hospice Niet Openbaar" not in html
    lowered = html.lower()
    for word in ("bedden", "beds", "bed vrij", "vrije", "wachtlijst", "opnamestop"):
        assert word not in lowered, word
    assert "data-testid" not in html or "free" not in html


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("1234", "We kennen postcode 1234 niet"),
        ("hallo", "Dit is geen postcode"),
        ("", "Vul uw postcode in"),
    ],
)
def test_plain_messages_for_bad_postcodes(client, postcode, message):
    response = client.get(reverse("finder:finder"), {"postcode": postcode})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_network_contact_without_a_search(client, region):
    html = client.get(reverse("finder:finder")).content.decode()
    assert "Netwerk Palliatieve Zorg Zuid" in html


@pytest.fixture
def amsterdam(region):
    """Postcode 1012 is known (CBS) but its municipality belongs to no subregion here."""
    from palliare.organizations.factories import MunicipalityFactory

    outside = MunicipalityFactory(gm_code="GM0363", name="Amsterdam", subregion=None)
    return PostcodeAreaFactory(
        pc4="1012", municipality=outside, place="Amsterdam", latitude=52.373, longitude=4.894
    )


def test_a_postcode_outside_the_network_points_to_the_national_finder(client, amsterdam, settings):
    settings.NATIONAL_CARE_FINDER_URL = "https://landelijk.example/zoeken"
    html = client.get(reverse("finder:finder"), {"postcode": "1012 AB"}).content.decode()
    assert "niet in ons gebied" in html
    assert 'href="https://landelijk.example/zoeken"' in html
    # Nothing of this network is offered as "near": no hospice 130 km away, no "about N km".
    assert "Hospice De Duinroos" not in html
    assert "km van u" not in html


def test_the_finder_shows_the_offline_map_with_numbered_places(client, region):
    html = client.get(reverse("finder:finder"), {"postcode": "9401"}).content.decode()
    assert '<svg viewBox="' in html
    assert 'class="marker marker--place"' in html
    assert 'data-marker="1"' in html
    assert "marker--available" not in html.split('id="finder-map-title"')[1]


def test_the_logo_goes_to_the_finder(client):
    html = client.get(reverse("finder:finder")).content.decode()
    assert f'class="brand" href="{reverse("finder:finder")}"' in html
