"""Search near a postcode: distances between PC4 centroids, nearest first; only facilities open
with a free bed unless asked otherwise; district nursing that works in the area, takes clients
and meets the requirements; public organisations for the care finder; one query per search."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palliare.capacity.constants import FacilityKind, IntakeStatus
from palliare.capacity.factories import (
    DistrictNursingServiceFactory,
    FacilityFactory,
    IntakeFactory,
    QualityRequirementFactory,
)
from palliare.capacity.search import (
    UnknownPostcodeError,
    facilities_near,
    haversine_km,
    nursing_near,
    organizations_near,
    parse_pc4,
    resolve_postcode,
)
from palliare.organizations.factories import (
    LocationFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
)

pytestmark = pytest.mark.django_db

# Real PC4 centroids (approximately): Assen, Beilen, Hoogeveen, Emmen.
ASSEN = ("9401", 52.998, 6.560)
BEILEN = ("9411", 52.860, 6.510)
HOOGEVEEN = ("7901", 52.724, 6.476)
EMMEN = ("7811", 52.785, 6.897)


def area(spec, municipality=None):
    pc4, lat, lon = spec
    kwargs = {"municipality": municipality} if municipality else {}
    return PostcodeAreaFactory(pc4=pc4, latitude=lat, longitude=lon, **kwargs)


def facility_in(spec, **kwargs):
    where = area(spec)
    made = FacilityFactory(**kwargs)
    made.location.postcode = f"{where.pc4} AB"
    made.location.save()
    return made


@pytest.mark.parametrize(
    ("text", "pc4"),
    [
        ("9401", "9401"),
        (" 9401 ab ", "9401"),
        ("9401AB", "9401"),
        ("0401", None),
        ("94O1", None),
        ("", None),
        ("9401 ABC", None),
    ],
)
def test_parse_pc4(text, pc4):
    assert parse_pc4(text) == pc4


def test_resolve_postcode_messages():
    area(ASSEN)
    assert resolve_postcode("9401 AB").pk == "9401"
    with pytest.raises(UnknownPostcodeError) as unknown:
        resolve_postcode("9999")
    assert not unknown.value.malformed
    assert "9999" in str(unknown.value)
    with pytest.raises(UnknownPostcodeError) as malformed:
        resolve_postcode("hello")
    assert malformed.value.malformed


def test_haversine():
    assert haversine_km(52.998, 6.560, 52.785, 6.897) == pytest.approx(32.7, abs=0.3)
    assert haversine_km(52.0, 6.0, 52.0, 6.0) == 0


def test_nearest_first_with_free_beds_only():
    origin = area(ASSEN)
    emmen = facility_in(EMMEN, free=1)
    beilen = facility_in(BEILEN, free=2)
    hoogeveen_full = facility_in(HOOGEVEEN, full=True)
    closed = facility_in(BEILEN, closed=True)
    never = facility_in(BEILEN, never_reported=True)
    hits = facilities_near(origin)
    assert [h.facility for h in hits] == [beilen, emmen]
    assert hits[0].distance_km == pytest.approx(15.6, abs=1)
    everything = [h.facility for h in facilities_near(origin, only_available=False)]
    assert everything[-1] == emmen
    assert {hoogeveen_full, closed, never} <= set(everything)


def test_filter_by_kind_and_limit():
    origin = area(ASSEN)
    hospice = facility_in(BEILEN)
    unit = facility_in(HOOGEVEEN, kind=FacilityKind.PALLIATIVE_UNIT)
    assert [h.facility for h in facilities_near(origin, kinds=[FacilityKind.PALLIATIVE_UNIT])] == [
        unit
    ]
    assert [h.facility for h in facilities_near(origin, limit=1)] == [hospice]


def test_stale_facilities_are_shown_but_flagged():
    origin = area(ASSEN)
    facility_in(BEILEN, stale=True)
    [hit] = facilities_near(origin)
    assert hit.is_stale


def test_inactive_facilities_and_organisations_are_left_out():
    origin = area(ASSEN)
    facility_in(BEILEN, is_active=False)
    gone = facility_in(EMMEN)
    gone.organization.is_active = False
    gone.organization.save()
    assert facilities_near(origin) == []


@pytest.mark.parametrize("count", [3, 12])
def test_search_is_one_query(count):
    origin = area(ASSEN)
    for _ in range(count):
        facility_in(BEILEN)
    with CaptureQueriesContext(connection) as queries:
        hits = facilities_near(origin)
        [h.facility.location.city for h in hits]
        [h.facility.organization.name for h in hits]
    assert len(hits) == count
    assert len(queries) == 1


def test_district_nursing_serving_the_area():
    drenthe = MunicipalityFactory(name="Assen")
    origin = area(ASSEN, municipality=drenthe)
    QualityRequirementFactory()
    by_municipality = DistrictNursingServiceFactory(taking_clients=True, qualified=True)
    by_municipality.municipalities.add(drenthe)
    by_pc4 = DistrictNursingServiceFactory(taking_clients=True, qualified=True)
    by_pc4.postcode_areas.add(origin)
    elsewhere = DistrictNursingServiceFactory(taking_clients=True, qualified=True)
    elsewhere.postcode_areas.add(area(EMMEN))
    full = DistrictNursingServiceFactory(qualified=True)
    IntakeFactory(service=full, status=IntakeStatus.NO)
    full.municipalities.add(drenthe)
    unqualified = DistrictNursingServiceFactory(taking_clients=True)
    unqualified.municipalities.add(drenthe)

    found = {h.service for h in nursing_near(origin)}
    assert found == {by_municipality, by_pc4}
    everything = {
        h.service for h in nursing_near(origin, only_taking_clients=False, only_qualified=False)
    }
    assert everything == {by_municipality, by_pc4, full, unqualified}


def test_district_nursing_sorted_by_office_distance():
    drenthe = MunicipalityFactory()
    origin = area(ASSEN, municipality=drenthe)
    far = DistrictNursingServiceFactory(taking_clients=True)
    near = DistrictNursingServiceFactory(taking_clients=True)
    LocationFactory(organization=far.organization, postcode=f"{area(EMMEN).pc4} AA")
    LocationFactory(organization=near.organization, postcode=f"{area(BEILEN).pc4} AA")
    nowhere = DistrictNursingServiceFactory(taking_clients=True)  # no address: last
    for service in (far, near, nowhere):
        service.municipalities.add(drenthe)
    hits = nursing_near(origin, only_qualified=False)
    assert [h.service for h in hits] == [near, far, nowhere]
    assert hits[-1].distance_km is None


def test_organizations_near_only_public_ones():
    origin = area(ASSEN)
    public = OrganizationFactory(type="volunteer_organization", is_public=True)
    LocationFactory(organization=public, postcode=f"{area(BEILEN).pc4} AA")
    hidden = OrganizationFactory(type="volunteer_organization", is_public=False)
    LocationFactory(organization=hidden, postcode=f"{area(BEILEN).pc4} AB")
    hits = organizations_near(origin, types=["volunteer_organization"])
    assert [h.organization for h in hits] == [public]
