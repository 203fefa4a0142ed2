"""The directory pages: search, detail, regions (with the draft mapping labelled), a bounded
number of queries, and model validation of locations and professionals."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from palliare.accounts.permissions import RoleCode
from palliare.organizations.constants import Discipline, OrganizationType
from palliare.organizations.factories import (
    LocationFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
    ProfessionalFactory,
    RegionFactory,
)
from palliare.organizations.models import Location

pytestmark = pytest.mark.django_db


@pytest.fixture
def gp_client(make_actor, client_for):
    return client_for(make_actor(RoleCode.GP))


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_directory_query_count_does_not_grow(gp_client):
    for _ in range(3):
        LocationFactory()
    small = _queries(gp_client, reverse("organizations:list"))
    for _ in range(30):
        LocationFactory()
    large = _queries(gp_client, reverse("organizations:list"))
    assert small == large


def test_detail_query_count_does_not_grow(gp_client):
    org = OrganizationFactory()
    MembershipFactory(organization=org)
    small = _queries(gp_client, reverse("organizations:detail", args=[org.pk]))
    for _ in range(10):
        MembershipFactory(organization=org)
    large = _queries(gp_client, reverse("organizations:detail", args=[org.pk]))
    assert small == large


def test_search_filters(gp_client):
    hospice = OrganizationFactory(name="Hospice De Zandloper", type=OrganizationType.HOSPICE)
    OrganizationFactory(name="Huisartsenpraktijk Noord")
    html = gp_client.get(reverse("organizations:list"), {"q": "zandloper"}).content.decode()
    assert hospice.name in html
    assert "Huisartsenpraktijk Noord" not in html
    html = gp_client.get(reverse("organizations:list"), {"type": "hospice"}).content.decode()
    assert hospice.name in html
    assert "Huisartsenpraktijk Noord" not in html


def test_htmx_search_returns_partial(gp_client):
    OrganizationFactory(name="Wijkzorg Test")
    response = gp_client.get(reverse("organizations:list"), {"q": "wijk"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Wijkzorg Test" in html
    assert "<html" not in html


def test_invalid_filter_is_ignored_not_500(gp_client):
    response = gp_client.get(reverse("organizations:list"), {"subregion": "abc", "type": "x"})
    assert response.status_code == 200


def test_detail_shows_people_and_phone(gp_client):
    membership = MembershipFactory(phone="0592 111 222")
    html = gp_client.get(reverse("organizations:detail", args=[membership.organization.pk]))
    assert membership.professional.full_name in html.content.decode()
    assert "0592 111 222" in html.content.decode()


def test_region_overview_labels_draft_mapping(gp_client):
    region = RegionFactory()
    MunicipalityFactory(subregion__region=region, name="Assen")
    html = gp_client.get(reverse("organizations:regions")).content.decode()
    assert 'data-testid="mapping-draft"' in html
    assert "Assen" in html


def test_location_with_unknown_postcode_is_refused():
    org = OrganizationFactory()
    location = Location(organization=org, postcode="9999 ZZ", city="Nergens")
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        location.full_clean()
    assert "9999 is onbekend" in str(exc.value)


def test_location_postcode_is_normalised():
    PostcodeAreaFactory(pc4="9401")
    location = LocationFactory(postcode="9401ab")
    location.refresh_from_db()
    assert location.postcode == "9401 AB"
    assert location.postcode_area_id == "9401"


def test_big_number_required_for_registered_discipline():
    professional = ProfessionalFactory.build(
        discipline=Discipline.GENERAL_PRACTITIONER, big_number="", user=None
    )
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        professional.full_clean()
    assert "BIG-nummer verplicht" in str(exc.value)


def test_duplicate_agb_code_is_refused():
    OrganizationFactory(agb_code="01234567")
    duplicate = OrganizationFactory.build(agb_code="01234567", subregion=None)
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert "AGB-code al" in str(exc.value)
