"""A map of the region drawn on the server as SVG from the CBS GeoJSON in reference-data/geo.

No tiles, no external scripts or fonts: the page works offline. The municipalities drawn are
those mapped to a subregion (the network's own region); without a mapping, all municipalities
in the file. Markers are numbered like the list next to the map, which is the map's text
alternative.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from palliare.organizations.models import Municipality, PostcodeArea

MUNICIPALITY_FILE = "municipalities_drenthe_overijssel_2022.geojson"
PC4_FILE = "pc4_drenthe_steenwijkerland.geojson"
WIDTH = 640.0
PADDING = 0.04
MARKER_GAP = 16.0

Ring = tuple[tuple[float, float], ...]  # (longitude, latitude) pairs


@dataclass(frozen=True)
class Feature:
    key: str
    name: str
    rings: tuple[Ring, ...]


@dataclass(frozen=True)
class MapPoint:
    """Something to mark: where, its number in the list, a label and a state (CSS class)."""

    latitude: float
    longitude: float
    label: str
    state: str
    number: int | None = None
    stale: bool = False


@dataclass(frozen=True)
class Shape:
    key: str
    name: str
    d: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    label: str
    state: str
    number: int | None
    stale: bool


@dataclass(frozen=True)
class RegionMap:
    width: float
    height: float
    shapes: tuple[Shape, ...]
    markers: tuple[Marker, ...]
    origin: Marker | None
    origin_shape: Shape | None
    outside: int  # points that fall outside the drawn region

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:.0f} {self.height:.0f}"


def geo_dir() -> Path:
    """The folder with the GeoJSON files: REFERENCE_DATA_DIR/geo, else the vendored copy."""
    configured = getattr(settings, "REFERENCE_DATA_DIR", "")
    if configured and (Path(configured) / "geo" / MUNICIPALITY_FILE).exists():
        return Path(configured) / "geo"
    return Path(settings.BASE_DIR) / "reference-data" / "geo"


def _rings(geometry: dict[str, Any]) -> tuple[Ring, ...]:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    polygons: list[Any] = []
    if kind == "MultiPolygon":
        polygons = list(coordinates or [])
    elif kind == "Polygon":
        polygons = [coordinates]
    rings: list[Ring] = []
    for polygon in polygons or []:
        for ring in polygon:
            rings.append(tuple((float(x), float(y)) for x, y, *_ in ring))
    return tuple(rings)


@lru_cache(maxsize=4)
def load_features(path: str, key: str, name: str) -> dict[str, Feature]:
    """The features of a GeoJSON file by their ``key`` property (read once per process)."""
    file = Path(path)
    if not file.exists():
        return {}
    data = json.loads(file.read_text(encoding="utf-8"))
    features: dict[str, Feature] = {}
    for item in data.get("features", []):
        props = item.get("properties") or {}
        code = str(props.get(key, ""))
        if code and item.get("geometry"):
            features[code] = Feature(code, str(props.get(name, code)), _rings(item["geometry"]))
    return features


def municipality_features() -> dict[str, Feature]:
    return load_features(str(geo_dir() / MUNICIPALITY_FILE), "gm_code", "name")


def pc4_features() -> dict[str, Feature]:
    return load_features(str(geo_dir() / PC4_FILE), "pc4", "pc4")


def region_gm_codes() -> frozenset[str]:
    """The municipalities of the network's region (mapped to a subregion). One query."""
    return frozenset(
        Municipality.objects.filter(subregion__isnull=False).values_list("gm_code", flat=True)
    )


@dataclass(frozen=True)
class _Projection:
    west: float
    north: float
    scale: float  # px per degree of latitude
    k: float  # cos(mid-latitude): shrinks longitude degrees

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.west) * self.k * self.scale, (self.north - lat) * self.scale


@dataclass(frozen=True)
class _Frame:
    projection: _Projection
    width: float
    height: float
    shapes: tuple[Shape, ...]


def _path(rings: Iterable[Ring], project: _Projection) -> str:
    parts = []
    for ring in rings:
        points: list[tuple[float, float]] = []
        for lon, lat in ring:
            x, y = project(lon, lat)
            if points and abs(points[-1][0] - x) < 0.6 and abs(points[-1][1] - y) < 0.6:
                continue  # below a pixel: leave out
            points.append((x, y))
        if len(points) >= 3:
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


@lru_cache(maxsize=8)
def _frame(gm_codes: frozenset[str]) -> _Frame | None:
    """Projection and municipality outlines for a set of municipalities (cached per set)."""
    all_features = municipality_features()
    chosen = [f for code, f in sorted(all_features.items()) if not gm_codes or code in gm_codes]
    if not chosen:
        chosen = [f for _code, f in sorted(all_features.items())]
    points = [p for f in chosen for ring in f.rings for p in ring]
    if not points:
        return None
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    k = math.cos(math.radians((north + south) / 2))
    pad_lat, pad_lon = (north - south) * PADDING, (east - west) * PADDING
    west, east, south, north = west - pad_lon, east + pad_lon, south - pad_lat, north + pad_lat
    scale = WIDTH / ((east - west) * k)
    projection = _Projection(west, north, scale, k)
    height = (north - south) * scale
    shapes = tuple(Shape(f.key, f.name, _path(f.rings, projection)) for f in chosen)
    return _Frame(projection, WIDTH, height, shapes)


def _clear_of(markers: Sequence[Marker], x: float, y: float) -> tuple[float, float]:
    """Move a marker off markers drawn at (almost) the same place, around a small circle, so
    that places in the same postcode area stay visible and clickable."""
    step = 0
    cx, cy = x, y
    while any(abs(m.x - cx) < MARKER_GAP and abs(m.y - cy) < MARKER_GAP for m in markers):
        step += 1
        angle = step * 2.4  # golden angle: spreads the positions
        radius = MARKER_GAP * (1 + step // 6)
        cx, cy = x + radius * math.cos(angle), y + radius * math.sin(angle)
        if step > 60:
            break
    return cx, cy


def region_map(
    points: Sequence[MapPoint],
    *,
    origin: PostcodeArea | None = None,
    origin_label: str = "",
    gm_codes: frozenset[str] | None = None,
) -> RegionMap | None:
    """The region with ``points`` marked (and the searched postcode area, if any). None when no
    GeoJSON is available."""
    frame = _frame(region_gm_codes() if gm_codes is None else gm_codes)
    if frame is None:
        return None
    project = frame.projection

    def inside(x: float, y: float) -> bool:
        return 0 <= x <= frame.width and 0 <= y <= frame.height

    markers: list[Marker] = []
    outside = 0
    for p in points:
        x, y = project(p.longitude, p.latitude)
        if not inside(x, y):
            outside += 1
            continue
        x, y = _clear_of(markers, x, y)
        markers.append(Marker(round(x, 1), round(y, 1), p.label, p.state, p.number, p.stale))
    origin_marker = origin_shape = None
    if origin is not None:
        x, y = project(origin.longitude, origin.latitude)
        if inside(x, y):
            origin_marker = Marker(round(x, 1), round(y, 1), origin_label, "origin", None, False)
        feature = pc4_features().get(origin.pk)
        if feature is not None:
            origin_shape = Shape(feature.key, feature.name, _path(feature.rings, project))
    return RegionMap(
        frame.width,
        round(frame.height, 1),
        frame.shapes,
        tuple(markers),
        origin_marker,
        origin_shape,
        outside,
    )
