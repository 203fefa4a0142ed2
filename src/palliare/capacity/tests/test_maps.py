"""The region map is drawn on the server from the vendored GeoJSON: municipalities of the
region (or all, without a mapping), markers where the facilities are, the searched postcode area
highlighted, overlapping markers moved apart, and no external resource in the SVG."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string

from palliare.capacity.maps import MapPoint, municipality_features, region_map
from palliare.organizations.factories import MunicipalityFactory, PostcodeAreaFactory

pytestmark = pytest.mark.django_db

ASSEN = (52.998, 6.560)


def test_features_load_from_the_vendored_geojson():
    features = municipality_features()
    assert "GM0106" in features  # Assen
    assert features["GM0106"].name == "Assen"
    assert features["GM0106"].rings


def test_map_of_the_mapped_region_only():
    MunicipalityFactory(gm_code="GM0106", name="Assen")
    MunicipalityFactory(gm_code="GM0114", name="Emmen")
    drawn = region_map([])
    assert {s.key for s in drawn.shapes} == {"GM0106", "GM0114"}
    assert drawn.width == 640
    assert drawn.view_box.startswith("0 0 640 ")


def test_without_a_mapping_every_municipality_in_the_file_is_drawn():
    drawn = region_map([], gm_codes=frozenset())
    assert len(drawn.shapes) == len(municipality_features())


def test_markers_inside_and_outside():
    MunicipalityFactory(gm_code="GM0106")
    MunicipalityFactory(gm_code="GM0114")
    points = [
        MapPoint(*ASSEN, label="Hospice", state="available", number=1),
        MapPoint(52.37, 4.89, label="Amsterdam", state="full", number=2),  # far outside
    ]
    drawn = region_map(points)
    assert [m.label for m in drawn.markers] == ["Hospice"]
    assert drawn.outside == 1
    marker = drawn.markers[0]
    assert 0 <= marker.x <= drawn.width
    assert 0 <= marker.y <= drawn.height


def test_markers_at_the_same_place_are_moved_apart():
    MunicipalityFactory(gm_code="GM0106")
    points = [MapPoint(*ASSEN, label=str(n), state="available", number=n) for n in range(1, 5)]
    markers = region_map(points).markers
    positions = {(m.x, m.y) for m in markers}
    assert len(positions) == 4


def test_origin_postcode_area_is_highlighted():
    MunicipalityFactory(gm_code="GM0106")
    origin = PostcodeAreaFactory(pc4="9401", latitude=ASSEN[0], longitude=ASSEN[1])
    drawn = region_map([], origin=origin, origin_label="9401")
    assert drawn.origin is not None
    assert drawn.origin_shape is not None
    assert drawn.origin_shape.d.startswith("M")


def test_rendered_svg_needs_no_network():
    MunicipalityFactory(gm_code="GM0106")
    drawn = region_map([MapPoint(*ASSEN, label="Hospice <b>", state="stop", number=1, stale=True)])
    html = render_to_string(
        "capacity/partials/map.html", {"map": drawn, "map_id": "m", "map_title": "Kaart"}
    )
    assert 'role="img"' in html
    assert 'aria-labelledby="m-title m-desc"' in html
    assert "Hospice &lt;b&gt;" in html  # labels are escaped
    assert "marker--stale" in html
    assert "<rect" in html
    urls = set(re.findall(r"https?://[^\s\"']+", html))
    assert urls == {"http://www.w3.org/2000/svg"}
    assert "," not in re.search(r"translate\(([^)]*)\)", html).group(1)  # no locale commas


def test_bed_legend_only_when_the_page_asks_for_it():
    MunicipalityFactory(gm_code="GM0106")
    drawn = region_map([MapPoint(*ASSEN, label="Hospice", state="available", number=1)])
    context = {"map": drawn, "map_id": "m", "map_title": "Kaart"}
    with_beds = render_to_string("capacity/partials/map.html", {**context, "legend": "beds"})
    plain = render_to_string("capacity/partials/map.html", context)
    assert "vrij bed" in with_beds and "opnamestop" in with_beds
    assert "vrij bed" not in plain and "opnamestop" not in plain
    assert '<ul class="legend">' not in plain
