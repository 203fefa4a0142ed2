"""Import of the public reference data: municipalities and PC4 postcode areas (CBS, GeoNames).

All-or-nothing: every file is parsed and checked first; only when all rows are valid is anything
written, in one transaction. Re-running with the same files changes nothing (idempotent).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from .models import Municipality, PostcodeArea

MUNICIPALITIES = Path("derived/municipalities_nl_2023.csv")
PC4_CENTROIDS = Path("derived/pc4_centroids_nl.csv")
PC4_POPULATION = Path("derived/pc4_population_by_age_2021.csv")
REQUIRED_FILES = (MUNICIPALITIES, PC4_CENTROIDS, PC4_POPULATION)

_COLUMNS = {
    MUNICIPALITIES: {"gm_code", "name", "pv_code", "province"},
    PC4_CENTROIDS: {
        "pc4",
        "centroid_lat",
        "centroid_lon",
        "place",
        "gm_code",
        "area_km2",
        "inhabitants_2021",
    },
    PC4_POPULATION: {"pc4", "age_group", "total"},
}
#: CBS 83502NED age groups, youngest first; the last is open (95 and older).
AGE_GROUPS = (
    "0-4",
    "5-9",
    "10-14",
    "15-19",
    "20-24",
    "25-29",
    "30-34",
    "35-39",
    "40-44",
    "45-49",
    "50-54",
    "55-59",
    "60-64",
    "65-69",
    "70-74",
    "75-79",
    "80-84",
    "85-89",
    "90-94",
    "95+",
)
_65_PLUS = set(AGE_GROUPS[13:])
_75_PLUS = set(AGE_GROUPS[15:])


class ReferenceDataError(Exception):
    """The reference data cannot be imported; ``problems`` name file, line and problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportResult:
    source: Path
    municipalities_created: int = 0
    municipalities_updated: int = 0
    areas_created: int = 0
    areas_updated: int = 0
    areas_without_municipality: list[str] = field(default_factory=list)


def default_source() -> Path:
    """``REFERENCE_DATA_DIR``, else ../shared/data beside the checkout, else the vendored copy."""
    if settings.REFERENCE_DATA_DIR:
        return Path(settings.REFERENCE_DATA_DIR)
    shared = settings.BASE_DIR.parent / "shared" / "data"
    if (shared / MUNICIPALITIES).exists():
        return shared
    return settings.BASE_DIR / "reference-data"


def _rows(
    source: Path, relative: Path, problems: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    path = source / relative
    if not path.is_file():
        problems.append(f"{path}: file not found")
        return
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = _COLUMNS[relative] - set(reader.fieldnames or [])
            if missing:
                problems.append(f"{path}:1: missing columns {', '.join(sorted(missing))}")
                return
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    problems.append(f"{path}:{reader.line_num}: wrong number of fields")
                    continue
                yield reader.line_num, row
    except UnicodeDecodeError as exc:
        problems.append(f"{path}: not UTF-8 text ({exc.reason})")
    except csv.Error as exc:
        problems.append(f"{path}: malformed CSV ({exc})")


def _float(value: str, path: Path, line: int, column: str, problems: list[str]) -> float | None:
    try:
        return float(value)
    except ValueError:
        problems.append(f"{path}:{line}: {column} is not a number: {value!r}")
        return None


def _int(value: str, path: Path, line: int, column: str, problems: list[str]) -> int | None:
    try:
        return int(float(value)) if value else 0
    except ValueError:
        problems.append(f"{path}:{line}: {column} is not a number: {value!r}")
        return None


def _parse(source: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    problems: list[str] = []
    municipalities: dict[str, dict[str, Any]] = {}
    path = source / MUNICIPALITIES
    for line, row in _rows(source, MUNICIPALITIES, problems):
        gm = row["gm_code"].strip()
        if not (len(gm) == 6 and gm.startswith("GM") and gm[2:].isdigit()):
            problems.append(f"{path}:{line}: gm_code must look like GM0106, got {gm!r}")
            continue
        if not row["name"].strip():
            problems.append(f"{path}:{line}: name is empty")
            continue
        municipalities[gm] = {
            "name": row["name"].strip(),
            "province_code": row["pv_code"],
            "province": row["province"],
        }

    by_age: dict[str, dict[str, int]] = defaultdict(dict)
    path = source / PC4_POPULATION
    for line, row in _rows(source, PC4_POPULATION, problems):
        if row["age_group"] not in AGE_GROUPS:
            problems.append(f"{path}:{line}: unknown age group {row['age_group']!r}")
            continue
        total = _int(row["total"], path, line, "total", problems)
        if total is not None:
            by_age[row["pc4"]][row["age_group"]] = total

    areas: dict[str, dict[str, Any]] = {}
    path = source / PC4_CENTROIDS
    for line, row in _rows(source, PC4_CENTROIDS, problems):
        pc4 = row["pc4"].strip()
        if not (len(pc4) == 4 and pc4.isdigit() and pc4[0] != "0"):
            problems.append(f"{path}:{line}: pc4 must be four digits 1000-9999, got {pc4!r}")
            continue
        lat = _float(row["centroid_lat"], path, line, "centroid_lat", problems)
        lon = _float(row["centroid_lon"], path, line, "centroid_lon", problems)
        if lat is None or lon is None:
            continue
        if not (50.5 <= lat <= 53.7 and 3.2 <= lon <= 7.3):
            problems.append(f"{path}:{line}: coordinates {lat}, {lon} lie outside the Netherlands")
            continue
        area = (
            _float(row["area_km2"], path, line, "area_km2", problems) if row["area_km2"] else None
        )
        population = _int(row["inhabitants_2021"], path, line, "inhabitants_2021", problems)
        ages = by_age.get(pc4, {})
        areas[pc4] = {
            "gm_code": row["gm_code"].strip(),
            "place": row["place"].strip()[:100],
            "latitude": lat,
            "longitude": lon,
            "area_km2": area,
            "population": population or sum(ages.values()),
            "population_65_plus": sum(v for k, v in ages.items() if k in _65_PLUS),
            "population_75_plus": sum(v for k, v in ages.items() if k in _75_PLUS),
            "population_by_age": {k: ages[k] for k in AGE_GROUPS if k in ages},
        }
    if problems:
        raise ReferenceDataError(problems)
    return municipalities, areas


def import_reference_data(source: Path | None = None) -> ImportResult:
    """Load municipalities and PC4 areas from ``source``. Raises ReferenceDataError, changing
    nothing, when any file is missing or any row is malformed."""
    source = source or default_source()
    if not source.is_dir():
        raise ReferenceDataError([f"{source}: reference data folder not found"])
    municipalities, areas = _parse(source)
    result = ImportResult(source=source)
    with transaction.atomic():
        existing = {m.gm_code: m for m in Municipality.objects.all()}
        new, changed = [], []
        for gm, values in municipalities.items():
            current = existing.get(gm)
            if current is None:
                new.append(Municipality(gm_code=gm, **values))
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                changed.append(current)
        Municipality.objects.bulk_create(new, batch_size=500)
        Municipality.objects.bulk_update(changed, ["name", "province_code", "province"])
        result.municipalities_created, result.municipalities_updated = len(new), len(changed)

        municipality_ids = dict(Municipality.objects.values_list("gm_code", "pk"))
        existing_areas = {a.pc4: a for a in PostcodeArea.objects.all()}
        fields = [
            "municipality_id",
            "place",
            "latitude",
            "longitude",
            "area_km2",
            "population",
            "population_65_plus",
            "population_75_plus",
            "population_by_age",
        ]
        new_areas, changed_areas = [], []
        for pc4, values in areas.items():
            gm = values.pop("gm_code")
            values["municipality_id"] = municipality_ids.get(gm)
            if values["municipality_id"] is None:
                result.areas_without_municipality.append(pc4)
            current_area = existing_areas.get(pc4)
            if current_area is None:
                new_areas.append(PostcodeArea(pc4=pc4, **values))
            elif any(getattr(current_area, k) != values[k] for k in fields):
                for k in fields:
                    setattr(current_area, k, values[k])
                changed_areas.append(current_area)
        PostcodeArea.objects.bulk_create(new_areas, batch_size=500)
        PostcodeArea.objects.bulk_update(changed_areas, fields, batch_size=500)
        result.areas_created, result.areas_updated = len(new_areas), len(changed_areas)
    return result
