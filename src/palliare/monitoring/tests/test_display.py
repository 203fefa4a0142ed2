"""Every exit writes a figure the same way: rounded half up to the KPI's decimals (21 of 72 is
"29,2%" on the page, in the PDF and as the XLSX's number format, never cut off to "29,1%"),
with Dutch thousands separators and its unit ("5.508 min", "25 dagen"); the XLSX keeps counts
as numbers (masked ones stay text); quarters read "K3 2026" on pages, in charts and in the
report's file name."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from palliare.accounts.permissions import RoleCode
from palliare.monitoring import charts, figures, formatting
from palliare.monitoring.constants import AreaType, Unit
from palliare.monitoring.models import IssuedReport
from palliare.monitoring.periods import Period
from palliare.monitoring.sources import Figure

from . import stored
from .stored import REGION, SUBREGION

pytestmark = pytest.mark.django_db
Q1 = Period.quarter(2026, 1)
NBSP = "\N{NO-BREAK SPACE}"


@pytest.fixture
def area() -> stored.Area:
    found = stored.area()
    stored.catalogue()
    return found


def _store_value(code: str, region_id: int, value: float, cases: float) -> None:
    from palliare.monitoring import services

    services.store_period(
        stored.version(code), Q1, [Figure(REGION, region_id, "", None, cases, value)]
    )


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (100 * 21 / 72, Unit.PERCENT, "29,2%"),  # 29,1666…: rounded, not cut off
        (100 * 1 / 6, Unit.PERCENT, "16,7%"),
        (76.05, Unit.PERCENT, "76,1%"),  # half up, not to even
        (45.65, Unit.PERCENT, "45,7%"),
        (346.5, Unit.MINUTES, "347 min"),
        (5508, Unit.MINUTES, "5.508 min"),
        (25, Unit.DAYS, "25 dagen"),
        (1, Unit.DAYS, "1 dag"),
        (1234, Unit.COUNT, "1.234"),
    ],
)
def test_values_are_rounded_half_up_with_separators_and_units(value, unit, text):
    with translation.override("nl"):
        assert formatting.format_value(value, unit).replace(NBSP, " ") == text


def test_21_of_72_agrees_on_page_pdf_and_xlsx(area, make_actor, client_for):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    a, b, c = area.subregions
    stored.store(
        "plan-before-death",
        Q1,
        {
            (REGION, area.region.pk, ""): (21.0, 72.0),
            (SUBREGION, a.pk, ""): (3.0, 20.0),
            (SUBREGION, b.pk, ""): (9.0, 26.0),
            (SUBREGION, c.pk, ""): (9.0, 26.0),
        },
    )
    client = client_for(make_actor(RoleCode.PROGRAMME_TEAM))
    page = client.get(reverse("monitoring:kpi", args=["plan-before-death"]), {"period": Q1.key})
    latest = re.search(r'data-testid="latest">([^<]*)<', page.content.decode())
    assert latest is not None and latest.group(1) == "29,2%"
    dashboard = client.get(reverse("monitoring:dashboard"), {"period": Q1.key}).content.decode()
    assert "29,2%" in dashboard and "29,1%" not in dashboard

    assert client.post(reverse("monitoring:issue_report"), {"period": Q1.key}).status_code == 302
    report = IssuedReport.objects.get()
    pdf = client.get(reverse("monitoring:report_download", args=[report.pk, "pdf"]))
    assert 'filename="regiorapportage-2026-K1.pdf"' in pdf["Content-Disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "29,2%" in text and "29,1%" not in text
    assert "K1 2026" in text and "2026 Q1" not in text

    xlsx = client.get(reverse("monitoring:report_download", args=[report.pk, "xlsx"]))
    assert 'filename="regiorapportage-2026-K1.xlsx"' in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    rows = {r[3].value: r for r in sheet.iter_rows(min_row=2) if r[0].value == "R1"}
    region = rows[area.region.name]
    assert region[4].value == "K1 2026"
    assert (region[5].value, region[6].value) == (21, 72)  # numbers the sheet can sum
    assert region[5].data_type == "n" and region[6].data_type == "n"
    assert region[7].value == pytest.approx(100 * 21 / 72)  # the full value …
    assert region[7].number_format == "#,##0.0"  # … shown with the page's decimal
    small = rows[a.name]
    assert small[5].value == "<5" and small[5].data_type == "s"  # a masked count stays text


def test_statistics_show_their_unit_and_separator(area, make_actor, client_for):
    _store_value("consultation-p90", area.region.pk, 5508.0, 40)
    _store_value("consultation-median", area.region.pk, 346.5, 40)
    _store_value("marking-to-death", area.region.pk, 25.0, 40)
    client = client_for(make_actor(RoleCode.STEERING_GROUP))
    page = client.get(reverse("monitoring:dashboard"), {"period": Q1.key}).content.decode()
    page = page.replace(NBSP, " ")
    assert "5.508 min" in page
    assert "347 min" in page
    assert "25 dagen" in page


def test_chart_quarters_are_dutch_and_slanted(area):
    for year in (2024, 2025):
        for q in (1, 2, 3, 4):
            stored.store(
                "plan-before-death",
                Period.quarter(year, q),
                {(REGION, area.region.pk, ""): (21.0, 72.0)},
            )
    with translation.override("nl"):
        row = next(
            r
            for r in figures.dashboard(AreaType.REGION, area.region.pk, period=Q1)
            if r.definition.code == "plan-before-death"
        )
        spec = charts.trend_spec(row, width=charts.WIDTH)
        svg = charts.to_svg(spec)
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert axis["format"] == "K%q %Y" and axis["labelAngle"] and axis["labelOverlap"]
    assert "K1 2025" in svg and "Q1" not in svg
    values = next(
        part["data"]["values"]
        for part in [spec, *spec["layer"]]
        if "value_text" in (part.get("data", {}).get("values") or [{}])[0]
    )
    assert values[0]["value"] == 29.2 and values[0]["value_text"] == "29,2%"
    assert values[0]["period"] == "K1 2024"
