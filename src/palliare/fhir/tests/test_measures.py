"""KPI definitions as Measure and results as MeasureReport (issue 15 item 11, decision 0031):
every catalogue KPI maps to a Measure that fhir.resources accepts; read and search by the
published parameters; a MeasureReport per KPI version and period with strata whose small
counts never leave as numbers (masked with data-absent-reason) and cannot be worked out from
the other strata and totals, hiding the same subregion cells as the monitoring page; "herzien"
when an issued report's figure changed; scopes decide who reads; bad input is an
OperationOutcome, never a 500; the CapabilityStatement lists exactly what is supported."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.fhir.factories import make_client
from palliare.fhir.formats import model_class
from palliare.fhir.resources import measure_reports, measures
from palliare.fhir.scopes import ScopeSet
from palliare.monitoring import figures, published
from palliare.monitoring.periods import Period
from palliare.monitoring.tests import stored
from palliare.monitoring.tests.stored import MUNICIPALITY, ORGANIZATION, REGION, SUBREGION

from .conftest import Api, outcome_keys

pytestmark = pytest.mark.django_db
Q1 = Period.quarter(2026, 1)
Y2025 = Period.year(2025)
SITE = "https://palliare.example.org"
CANONICAL = f"{SITE}/fhir/Measure/plan-before-death"
DAR = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"


@pytest.fixture(autouse=True)
def _site():
    with override_settings(SITE_URL=SITE):
        yield


@pytest.fixture
def area() -> stored.Area:
    found = stored.area()
    stored.catalogue()
    return found


@pytest.fixture
def stats(area: stored.Area) -> Api:
    """A client of the network's programme team, allowed to read figures only."""
    client, token = make_client(
        "system/Measure.read system/MeasureReport.read",
        organization=area.network,
        name="Landelijk programma",
    )
    return Api(token, client)


def body(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/fhir+json"), response.content
    data: dict[str, Any] = json.loads(response.content)
    return data


def validate(resource: dict[str, Any]) -> None:
    """fhir.resources (R4B models, as the server validates input) and fhirclient's strict R4
    (4.0.1) models both accept it."""
    from fhirclient.models.fhirelementfactory import FHIRElementFactory

    model_class(resource["resourceType"]).model_validate(resource)
    FHIRElementFactory.instantiate(resource["resourceType"], resource)


def counts(node: Any) -> list[int]:
    """Every population count anywhere in a resource."""
    found: list[int] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "count" and isinstance(value, int):
                found.append(value)
            else:
                found += counts(value)
    elif isinstance(node, list):
        for item in node:
            found += counts(item)
    return found


def population(group: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in group["population"] if p["code"]["coding"][0]["code"] == code)


def masked(item: dict[str, Any], key: str = "_count") -> bool:
    ext = item.get(key, {}).get("extension", []) if key != "measureScore" else None
    if key == "measureScore":
        ext = item.get("measureScore", {}).get("extension", [])
    return any(e["url"] == DAR and e["valueCode"] == "masked" for e in ext or [])


def stratifier(report: dict[str, Any], family: str) -> dict[str, dict[str, Any]]:
    for s in report["group"][0].get("stratifier", []):
        if s["code"][0]["coding"][0]["code"] == family:
            return {st["value"]["coding"][0]["code"]: st for st in s["stratum"]}
    return {}


# --- Measure ------------------------------------------------------------------------------------


def test_every_catalogue_kpi_is_a_valid_measure(area, stats):
    """Round trip: each KPI's Measure passes the fhir.resources R4 model, through the API too."""
    specs = published.kpi_specs()
    assert len(specs) >= 18
    for spec in specs:
        resource = measures.measure_resource(spec)
        validate(resource)
        assert re.match(r"^[A-Z][A-Za-z0-9_]{0,254}$", resource["name"])
        assert re.match(r"^[A-Za-z0-9\-.]{1,64}$", resource["id"])
        response = stats.get(f"Measure/{resource['id']}")
        assert response.status_code == 200, response.content
        read = body(response)
        validate(read)
        assert read["url"] == f"{SITE}/fhir/Measure/{spec.code}"
        assert read["version"] == "1"
        assert read["title"] == spec.name_nl
        assert spec.numerator.split()[0] in read["description"]


def test_measure_content(area, stats):
    plan = body(stats.get("Measure/plan-before-death-v1"))
    assert plan["identifier"][0] == {
        "use": "official",
        "system": measures.KPI_NUMBER_SYSTEM,
        "value": "R1",
    }
    assert plan["status"] == "active"
    assert plan["scoring"]["coding"][0]["code"] == "proportion"
    assert plan["improvementNotation"]["coding"][0]["code"] == "increase"
    assert plan["extension"][0]["valueCoding"]["code"] == "computed"
    topics = {t["coding"][0]["system"]: t["coding"][0]["code"] for t in plan["topic"]}
    assert topics[measures.DOMAIN_SYSTEM] == "information"
    assert topics[measures.KIND_SYSTEM] == "result"
    pops = {p["code"]["coding"][0]["code"]: p["criteria"] for p in plan["group"][0]["population"]}
    assert {"numerator", "denominator", "denominator-exclusion"} <= set(pops)
    assert "niet onverwacht" in pops["denominator"]["expression"]
    assert pops["numerator"]["language"] == "text/plain"
    families = [s["code"]["coding"][0]["code"] for s in plan["group"][0]["stratifier"]]
    assert families == ["subregion", "municipality", "organization", "age_band", "diagnosis_group"]
    assert plan["_title"]["extension"][0]["extension"][1]["valueString"] == (
        "Care plan present before death"
    )
    median = body(stats.get("Measure/marking-to-death-v1"))
    assert median["scoring"]["coding"][0]["code"] == "continuous-variable"
    codes = {p["code"]["coding"][0]["code"] for p in median["group"][0]["population"]}
    assert {"measure-population", "measure-observation"} <= codes
    count = body(stats.get("Measure/hospital-palliative-consultations-v1"))
    assert count["scoring"]["coding"][0]["code"] == "cohort"
    admissions = body(stats.get("Measure/hospital-admission-30d-v1"))
    assert admissions["improvementNotation"]["coding"][0]["code"] == "decrease"


def test_new_version_retires_the_old_one(area, stats, make_actor):
    coordinator = make_actor(RoleCode.NETWORK_COORDINATOR, organization=area.network)
    stored.new_version(coordinator, "plan-before-death")
    old = body(stats.get("Measure/plan-before-death-v1"))
    new = body(stats.get("Measure/plan-before-death-v2"))
    assert (old["status"], new["status"]) == ("retired", "active")
    assert old["url"] == new["url"] == CANONICAL
    assert old["relatedArtifact"] == [{"type": "successor", "resource": f"{CANONICAL}|2"}]
    assert new["relatedArtifact"] == [{"type": "predecessor", "resource": f"{CANONICAL}|1"}]
    assert "Wijziging in versie 2" in new["description"]
    found = body(stats.get(f"Measure?url={CANONICAL}"))
    assert [e["resource"]["id"] for e in found["entry"]] == [
        "plan-before-death-v1",
        "plan-before-death-v2",
    ]
    only = body(stats.get(f"Measure?url={CANONICAL}|2"))
    assert [e["resource"]["id"] for e in only["entry"]] == ["plan-before-death-v2"]
    retired = body(stats.get("Measure?status=retired"))
    assert [e["resource"]["id"] for e in retired["entry"]] == ["plan-before-death-v1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("identifier=R1", ["plan-before-death-v1"]),
        (f"identifier={measures.KPI_NUMBER_SYSTEM}|E2", ["marking-to-death-v1"]),
        (f"identifier={measures.KPI_CODE_SYSTEM}|place-of-death", ["place-of-death-v1"]),
        ("identifier=http://example.org|R1", []),
        ("_id=plan-shared-acute-v1", ["plan-shared-acute-v1"]),
        ("name=PlanBefore", ["plan-before-death-v1"]),
        ("name:exact=PlanBefore", []),
        ("title=individueel zorgplan", ["plan-before-death-v1"]),
        ("title:contains=mediane tijd", ["marking-to-death-v1"]),
        ("title=care plan shared", ["plan-shared-acute-v1"]),
        ("title=vóór", []),
        ("version=2", []),
    ],
)
def test_measure_search(area, stats, query, expected):
    response = stats.get(f"Measure?{query}")
    assert response.status_code == 200, response.content
    data = body(response)
    validate(data)
    assert [e["resource"]["id"] for e in data.get("entry", [])] == expected
    assert data["total"] == len(expected)


def test_measure_search_pages(area, stats):
    first = body(stats.get("Measure?status=active&_count=5"))
    assert first["total"] >= 18 and len(first["entry"]) == 5
    assert any(link["relation"] == "next" for link in first["link"])
    second = body(stats.get("Measure?status=active&_count=5&_page=2"))
    assert {e["resource"]["id"] for e in first["entry"]}.isdisjoint(
        {e["resource"]["id"] for e in second["entry"]}
    )


# --- MeasureReport ------------------------------------------------------------------------------


@pytest.fixture
def q1(area: stored.Area) -> stored.Area:
    """R1 over Q1 2026: region 30/48; subregion A 3/12 (a small numerator), B 12/16, C 15/20;
    municipalities A1 3/7 and A2 0/5, B1 6/8, B2 6/8, C1 15/20; age bands 4/9 (small) and
    24/35 with 2/4 without an age band; the network's own figure 9/14."""
    a, b, c = area.subregions
    a1, a2, b1, b2, c1, _c2 = area.municipalities
    cells = {
        (REGION, area.region.pk, ""): (30.0, 48.0),
        (SUBREGION, a.pk, ""): (3.0, 12.0),
        (SUBREGION, b.pk, ""): (12.0, 16.0),
        (SUBREGION, c.pk, ""): (15.0, 20.0),
        (MUNICIPALITY, a1.pk, ""): (3.0, 7.0),
        (MUNICIPALITY, a2.pk, ""): (0.0, 5.0),
        (MUNICIPALITY, b1.pk, ""): (6.0, 8.0),
        (MUNICIPALITY, b2.pk, ""): (6.0, 8.0),
        (MUNICIPALITY, c1.pk, ""): (15.0, 20.0),
        (REGION, area.region.pk, "age:18-64"): (4.0, 9.0),
        (REGION, area.region.pk, "age:65+"): (24.0, 35.0),
        (ORGANIZATION, area.network.pk, ""): (9.0, 14.0),
    }
    stored.store("plan-before-death", Q1, cells)
    stored.store(
        "plan-before-death",
        Y2025,
        {(REGION, area.region.pk, ""): (20.0, 60.0), (SUBREGION, a.pk, ""): (20.0, 60.0)},
    )
    return area


def test_report_read(q1, stats):
    response = stats.get("MeasureReport/plan-before-death-v1-2026Q1")
    assert response.status_code == 200, response.content
    report = body(response)
    validate(report)
    assert report["type"] == "summary"
    assert report["status"] == "complete"
    assert report["measure"] == f"{CANONICAL}|1"
    assert report["period"] == {"start": "2026-01-01", "end": "2026-03-31"}
    assert report["reporter"]["reference"] == f"Organization/{q1.network.pk}"
    group = report["group"][0]
    assert population(group, "numerator")["count"] == 30
    assert population(group, "denominator")["count"] == 48
    assert group["measureScore"] == {
        "value": 62.5,
        "unit": "%",
        "system": "http://unitsofmeasure.org",
        "code": "%",
    }
    assert "extension" not in report  # nothing revised
    # The network's client sees its own organisation (and no other).
    own = stratifier(report, "organization")
    assert list(own) == [q1.network.agb_code or str(q1.network.pk)]
    assert body(stats.get("MeasureReport/plan-before-death-v1-2025"))["period"] == {
        "start": "2025-01-01",
        "end": "2025-12-31",
    }


def test_a_count_of_three_never_leaves_as_three(q1, stats):
    report = body(stats.get("MeasureReport/plan-before-death-v1-2026Q1"))
    assert 3 not in counts(report)
    assert 4 not in counts(report)  # the small age band
    subs = stratifier(report, "subregion")
    a = subs["sub-a"]
    assert masked(population(a, "numerator"))
    assert masked(a, "measureScore")  # 25% of a published 12 would give the 3 back
    # Complementary suppression: at least one more numerator of the table is hidden, so
    # region − the others does not give A's.
    hidden = [code for code, s in subs.items() if masked(population(s, "numerator"))]
    assert len(hidden) >= 2
    published_nums = [population(s, "numerator").get("count") for s in subs.values() if s["value"]]
    region_num = population(report["group"][0], "numerator").get("count")
    assert region_num is None or None in published_nums
    # Municipalities of A: 3 and 0 with A's 3 hidden → A1 hidden; A2's zero protects nothing.
    munis = stratifier(report, "municipality")
    assert masked(population(munis["GM9001"], "numerator"))
    assert population(munis["GM9002"], "numerator")["count"] == 0
    # Age bands: 4 and 24 of a region total 30 with 2 unknown: both hidden (otherwise
    # 30 − 24 − the remainder's bounds narrow the small band down).
    ages = stratifier(report, "age_band")
    assert masked(population(ages["18-64"], "numerator"))
    assert all(masked(population(s, "numerator")) for s in ages.values())


def test_hides_the_same_subregion_cells_as_the_page(q1):
    """Two exits that hid different cells would together reveal them."""
    specs = {s.pk: s for s in published.kpi_specs()}
    keys = [k for k in published.report_keys() if k.period == Q1]
    report = published.region_reports(keys, specs, organization_id=None)[0]
    strata = {s.code: s for s in report.stratifiers[0].strata}
    spec = report.spec
    subs = figures.subregions(q1.region)
    version = stored.version("plan-before-death")
    by_sub = figures.breakdown(version, "subregion", Q1)
    table = figures.drilldown_table([by_sub.get(s.pk) for s in subs])
    assert table is not None and spec.pk == version.pk
    assert set(strata) == {"sub-a", "sub-b", "sub-c"}
    for index, s in enumerate(subs):
        if s.code not in strata:
            continue  # a subregion without figures is not a stratum
        assert strata[s.code].figures.numerator.masked == table.rows[index][0].suppressed
        assert strata[s.code].figures.denominator.masked == table.rows[index][1].suppressed


def test_region_figure_kept_when_the_drilldown_would_hide_it(area, stats):
    """Subregions 3/12, 0/16 and 2/20: the drill-down hides its totals (5 and 48) to protect the
    3 and the 2. The region's own figure is on the dashboard anyway, so the report keeps it and
    masks every non-zero subregion count instead, as the page does (figures.drilldown)."""
    a, b, c = area.subregions
    stored.store(
        "plan-before-death",
        Q1,
        {
            (REGION, area.region.pk, ""): (5.0, 48.0),
            (SUBREGION, a.pk, ""): (3.0, 12.0),
            (SUBREGION, b.pk, ""): (0.0, 16.0),
            (SUBREGION, c.pk, ""): (2.0, 20.0),
        },
    )
    version = stored.version("plan-before-death")
    by_sub = figures.breakdown(version, "subregion", Q1)
    table = figures.drilldown_table([by_sub.get(s.pk) for s in area.subregions])
    assert table is not None and table.totals[0].suppressed  # the premise
    report = body(stats.get("MeasureReport/plan-before-death-v1-2026Q1"))
    group = report["group"][0]
    assert population(group, "numerator")["count"] == 5
    assert population(group, "denominator")["count"] == 48
    for stratum in stratifier(report, "subregion").values():
        # A zero protects nothing and stays (B's numerator 0).
        numerator = population(stratum, "numerator")
        assert masked(numerator) or numerator["count"] == 0
        assert masked(population(stratum, "denominator"))
        assert masked(stratum, "measureScore")


def test_municipalities_without_their_subregion_are_masked(area, stats):
    """Parts without their published total cannot be protected: withheld."""
    _a, b, _c = area.subregions
    a1, a2, b1, _b2, _c1, _c2 = area.municipalities
    stored.store(
        "plan-before-death",
        Q1,
        {
            (REGION, area.region.pk, ""): (40.0, 80.0),
            (SUBREGION, b.pk, ""): (40.0, 80.0),
            (MUNICIPALITY, a1.pk, ""): (12.0, 30.0),
            (MUNICIPALITY, a2.pk, ""): (7.0, 20.0),
            (MUNICIPALITY, b1.pk, ""): (40.0, 80.0),
        },
    )
    munis = stratifier(body(stats.get("MeasureReport/plan-before-death-v1-2026Q1")), "municipality")
    assert masked(population(munis["GM9001"], "numerator"))
    assert masked(population(munis["GM9002"], "denominator"))
    assert population(munis["GM9101"], "numerator")["count"] == 40


@pytest.mark.parametrize("threshold", [5, 11])
def test_suppression_follows_the_settings(q1, stats, threshold):
    with override_settings(MONITORING_MIN_COUNT=threshold):
        report = body(stats.get("MeasureReport/plan-before-death-v1-2026Q1"))
    assert not [n for n in counts(report) if 0 < n < threshold]


def test_small_denominator_masks_the_rate(area, stats):
    stored.store(
        "plan-before-death",
        Q1,
        {(REGION, area.region.pk, ""): (6.0, 8.0)},
    )
    group = body(stats.get("MeasureReport/plan-before-death-v1-2026Q1"))["group"][0]
    assert population(group, "numerator")["count"] == 6
    assert population(group, "denominator")["count"] == 8
    assert masked(group, "measureScore")


def test_median_report_counts_cases(area, stats):
    a = area.subregions[0]
    stored.store(
        "marking-to-death",
        Q1,
        {(REGION, area.region.pk, ""): (None, 40.0), (SUBREGION, a.pk, ""): (None, 3.0)},
    )
    report = body(stats.get("MeasureReport/marking-to-death-v1-2026Q1"))
    validate(report)
    group = report["group"][0]
    assert population(group, "measure-population")["count"] == 40
    assert group["measureScore"]["code"] == "d"
    sub = stratifier(report, "subregion")["sub-a"]
    assert masked(population(sub, "measure-population"))
    assert masked(sub, "measureScore")


def test_revised_after_an_issued_report(q1, stats):
    version = stored.version("plan-before-death")
    stored.issued_report(
        [
            {
                "version": version.pk,
                "area_type": "region",
                "area_id": q1.region.pk,
                "period_type": "quarter",
                "period_start": "2026-01-01",
                "subgroup": "",
                "value": 50.0,  # the region's figure was 50% when the report was issued
            }
        ]
    )
    report = body(stats.get("MeasureReport/plan-before-death-v1-2026Q1"))
    validate(report)
    ext = report["extension"][0]
    assert ext["url"] == measure_reports.EXT_REVISED
    assert {"url": "status", "valueCode": "herzien"} in ext["extension"]
    unchanged = body(stats.get("MeasureReport/plan-before-death-v1-2025"))
    assert "extension" not in unchanged


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"measure={CANONICAL}", ["plan-before-death-v1-2026Q1", "plan-before-death-v1-2025"]),
        (f"measure={CANONICAL}|1", ["plan-before-death-v1-2026Q1", "plan-before-death-v1-2025"]),
        (f"measure={CANONICAL}|2", []),
        ("measure=Measure/plan-before-death-v1", None),
        ("period=2026", ["plan-before-death-v1-2026Q1"]),
        ("period=2026-01", []),
        ("period=ge2026-02", ["plan-before-death-v1-2026Q1"]),
        ("period=lt2025-06", ["plan-before-death-v1-2025"]),
        ("period=sa2025-12-31", ["plan-before-death-v1-2026Q1"]),
        ("period=eb2026", ["plan-before-death-v1-2025"]),
        ("period=ap2025-07", ["plan-before-death-v1-2025"]),
        ("status=complete", None),
        ("status=pending", []),
        ("_id=plan-before-death-v1-2025", ["plan-before-death-v1-2025"]),
        ("date=ge2020-01-01", None),
        ("date=lt2020-01-01", []),
    ],
)
def test_report_search(q1, stats, query, expected):
    response = stats.get(f"MeasureReport?{query}")
    assert response.status_code == 200, response.content
    data = body(response)
    validate(data)
    ids = [e["resource"]["id"] for e in data.get("entry", [])]
    if expected is None:
        expected = ["plan-before-death-v1-2026Q1", "plan-before-death-v1-2025"]
    assert ids == expected


def test_report_search_by_reporter(q1, stats, practice):
    found = body(stats.get(f"MeasureReport?reporter=Organization/{q1.network.pk}"))
    assert found["total"] == 2
    assert body(stats.get(f"MeasureReport?reporter={practice.pk}"))["total"] == 0


def test_running_period_is_pending(area, stats):
    from django.utils import timezone

    running = Period.of(timezone.localdate(), "quarter")
    stored.store("plan-before-death", running, {(REGION, area.region.pk, ""): (10.0, 20.0)})
    found = body(stats.get("MeasureReport?status=pending"))
    assert [e["resource"]["status"] for e in found["entry"]] == ["pending"]


def test_xml_carries_the_mask(q1, stats):
    response = stats.get("MeasureReport/plan-before-death-v1-2026Q1?_format=xml")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'value="masked"' in text and DAR in text
    assert 'value="3"' not in text


def test_search_queries_do_not_grow_with_the_data(area, stats):
    """A page of MeasureReports costs the same number of queries for 2 or 12 results."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = area.subregions[0]

    stored_periods: set[Period] = set()

    def store(periods: list[Period]) -> int:
        stored_periods.update(periods)
        for period in periods:
            stored.store(
                "plan-before-death",
                period,
                {
                    (REGION, area.region.pk, ""): (30.0, 48.0),
                    (SUBREGION, a.pk, ""): (3.0, 12.0),
                    (REGION, area.region.pk, "age:65+"): (24.0, 35.0),
                },
            )
        with CaptureQueriesContext(connection) as queries:
            found = body(stats.get("MeasureReport?_count=50"))
        assert found["total"] == len(stored_periods)
        return len(queries)

    small = store([Period.quarter(2025, 1), Period.year(2025)])
    large = store(
        [Period.quarter(y, q) for y in (2023, 2024) for q in (1, 2, 3, 4)]
        + [
            Period.year(2023),
            Period.year(2024),
        ]
    )
    assert large == small


# --- who may read, bad input, capability -------------------------------------------------------


def test_scopes_decide(q1):
    _c, patient_only = make_client("system/Patient.read", organization=q1.network)
    api = Api(patient_only)
    for url in ("Measure/plan-before-death-v1", "Measure", "MeasureReport"):
        response = api.get(url)
        assert response.status_code == 403, url
        assert outcome_keys(response) == ["insufficient-scope"]
    _c, measure_only = make_client("system/Measure.read", organization=q1.network)
    api = Api(measure_only)
    assert api.get("Measure/plan-before-death-v1").status_code == 200
    assert api.get("MeasureReport/plan-before-death-v1-2026Q1").status_code == 403
    assert api.get("Patient").status_code == 403
    # An aggregate scope gives none of the patient access policy's permissions.
    assert ScopeSet.parse("system/Measure.read system/MeasureReport.read").permissions() == set()
    # SMART's wildcard covers every type, the aggregates too (decision 0031).
    _c, everything = make_client("system/*.read", organization=q1.network)
    assert Api(everything).get("MeasureReport/plan-before-death-v1-2026Q1").status_code == 200
    assert Api("not-a-token").get("Measure").status_code == 401


def test_read_only(q1, stats):
    _c, token = make_client("system/*.read system/*.write", organization=q1.network)
    api = Api(token)
    resource = body(stats.get("Measure/plan-before-death-v1"))
    response = api.put("Measure/plan-before-death-v1", resource)
    assert response.status_code == 405
    assert outcome_keys(response) == ["write-not-supported"]
    assert stats.post("MeasureReport", {"resourceType": "MeasureReport"}).status_code == 403


def test_reads_are_logged_without_patient(q1, stats):
    before = AuditEvent.objects.count()
    stats.get("MeasureReport/plan-before-death-v1-2026Q1")
    stats.get("Measure?identifier=R1")
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [e.event_type for e in events] == ["fhir.read", "fhir.search"]
    assert all(e.patient_id is None and e.purpose == "statistics" for e in events)
    assert events[0].actor_client_id == stats.client.client_id


@pytest.mark.parametrize(
    ("url", "status", "key"),
    [
        ("MeasureReport?period=gisteren", 400, "bad-parameter"),
        ("MeasureReport?date=2026-13-45", 400, "bad-parameter"),
        ("MeasureReport?_count=veel", 400, "bad-parameter"),
        ("Measure?_page=nul", 400, "bad-parameter"),
        ("Measure/bestaat-niet-v1", 404, "not-found"),
        ("Measure/plan-before-death-v9", 404, "not-found"),
        ("Measure/plan-before-death", 404, "not-found"),
        ("MeasureReport/plan-before-death-v1-2026Q9", 404, "not-found"),
        ("MeasureReport/plan-before-death-v1-2031", 404, "not-found"),
        ("MeasureReport/plan-before-death-v1-2026Q1-extra", 404, "not-found"),
        ("MeasureReport/%E2%9C%93", 404, "not-found"),
    ],
)
def test_bad_input_is_an_operation_outcome(q1, stats, url, status, key):
    response = stats.get(url)
    assert response.status_code == status, response.content
    assert outcome_keys(response) == [key]


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rtype=st.sampled_from(["Measure", "MeasureReport"]),
    params=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "_id",
                    "url",
                    "version",
                    "name:contains",
                    "title:exact",
                    "status",
                    "identifier",
                    "measure",
                    "period",
                    "date",
                    "reporter",
                    "_count",
                    "name:missing",
                ]
            ),
            st.text(max_size=30),
        ),
        max_size=4,
    ),
    rid=st.text(min_size=1, max_size=70),
)
def test_arbitrary_searches_and_ids_never_500(q1, stats, rtype, params, rid):
    from urllib.parse import quote, urlencode

    for response in (
        stats.get(f"{rtype}?{urlencode(params)}"),
        stats.get(f"{rtype}/{quote(rid, safe='')}"),
    ):
        assert response.status_code < 500, response.content
        assert response["Content-Type"].startswith("application/fhir+json")


def test_strict_handling_refuses_unknown_parameters(q1, stats):
    response = stats.get("Measure?publisher=x", Prefer="handling=strict")
    assert response.status_code == 400
    lenient = body(stats.get("Measure?publisher=x"))
    assert lenient["entry"][-1]["search"]["mode"] == "outcome"


def test_capability_statement(q1, stats):
    capability = body(stats.get("metadata"))
    validate(capability)
    resources = {r["type"]: r for r in capability["rest"][0]["resource"]}
    for rtype, params in (
        ("Measure", {"_id", "url", "version", "name", "title", "status", "identifier"}),
        ("MeasureReport", {"_id", "measure", "period", "date", "reporter", "status"}),
    ):
        entry = resources[rtype]
        assert [i["code"] for i in entry["interaction"]] == ["read", "search-type"]
        assert {p["name"] for p in entry["searchParam"]} == params
        assert "updateCreate" not in entry
    smart = json.loads(stats.http.get("/fhir/.well-known/smart-configuration").content)
    assert "system/MeasureReport.read" in smart["scopes_supported"]
    assert "system/MeasureReport.write" not in smart["scopes_supported"]
