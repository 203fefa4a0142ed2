"""What the monitoring exits publish of one result per subregion: the KPI page's drill-down
table, the subregion's dashboard, the report's XLSX (and PDF, from the same points) publish
the same cells; a rate is never shown beside a masked count; the region's figure on the
dashboard never makes a hidden total of the drill-down known; the "per group" table has
complementary suppression; and — proved with hypothesis over the published outputs — no
suppressed cell can be worked out from the other published cells and totals."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from palliare.accounts.permissions import RoleCode
from palliare.monitoring import figures, reports, suppression
from palliare.monitoring.constants import Unit
from palliare.monitoring.periods import Period
from palliare.monitoring.suppression import PRIMARY, SECONDARY_MARK

from . import stored
from .stored import REGION, SUBREGION
from .test_suppression import _full, _pinned

pytestmark = pytest.mark.django_db
Q1 = Period.quarter(2026, 1)
KPI = "plan-before-death"
M = 5


@pytest.fixture
def area() -> stored.Area:
    found = stored.area()
    stored.catalogue()
    return found


@pytest.fixture
def steering(make_actor, client_for):
    return client_for(make_actor(RoleCode.STEERING_GROUP))


def _store(area: stored.Area, subs: list[tuple[int, int]], rest: tuple[int, int] = (0, 0)):
    cells = {
        (SUBREGION, s.pk, ""): (float(n), float(d))
        for s, (n, d) in zip(area.subregions, subs, strict=True)
    }
    cells[(REGION, area.region.pk, "")] = (
        float(sum(n for n, _d in subs) + rest[0]),
        float(sum(d for _n, d in subs) + rest[1]),
    )
    stored.store(KPI, Q1, cells)


_ROW = re.compile(r'<tr data-subregion="([^"]+)">(.*?)</tr>', re.S)
_CELL = re.compile(r'<td class="num" data-cell="(\w+)">(.*?)</td>', re.S)


def _page_table(client) -> dict[str, dict[str, str]]:
    """The drill-down table of the KPI page: subregion pk (or "total") → cell → text."""
    page = client.get(reverse("monitoring:kpi", args=[KPI]), {"period": Q1.key}).content
    text = page.decode().replace("&lt;", "<")
    if 'data-testid="drilldown"' not in text:
        return {}  # withheld: nothing per subregion
    table = text[text.index('data-testid="drilldown"') :]
    table = table[: table.index("</table>")]
    return {key: dict(_CELL.findall(row)) for key, row in _ROW.findall(table)}


def _xlsx_rows(area: stored.Area) -> dict[str, tuple[str, str, object]]:
    """The report's XLSX: area name → (numerator, denominator, value) of the KPI."""
    from openpyxl import load_workbook

    content = reports._content(Q1)
    book = load_workbook(io.BytesIO(reports.render_xlsx(content)))
    sheet = book.worksheets[0]
    number = stored.version(KPI).number
    return {
        row[3]: (_published(row[5]), _published(row[6]), row[7])
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[0] == number
    }


def _published(cell: object) -> str:
    """A count cell of the XLSX as the page writes it: a number (stored as a number so the
    sheet can sum it) or its mark as text."""
    if isinstance(cell, int | float):
        return suppression.count_text(cell)
    return str(cell or "")


def test_a_rate_beside_a_small_numerator_is_masked():
    # 3 of 40 = 7.5%: the rate and the published 40 would give the 3 back.
    point = figures.Point(Q1, 3, 40, 7.5, Unit.PERCENT)
    assert point.numerator_text == "<5" and point.value is None and point.ci is None
    assert figures.Point(Q1, 12, 40, 30.0, Unit.PERCENT, numerator_hidden=True).value is None
    assert figures.Point(Q1, 12, 40, 30.0, Unit.PERCENT, denominator_hidden=True).value is None
    assert figures.Point(Q1, 12, 40, 30.0, Unit.PERCENT).value == 30.0
    # A median reveals no count: its number of cases alone decides.
    assert figures.Point(Q1, None, 40, 12.0, Unit.DAYS, denominator_hidden=True).value == 12.0


def test_drilldown_page_masks_the_rate_of_a_masked_count(area, steering):
    _store(area, [(3, 40), (12, 16), (15, 20)])
    table = _page_table(steering)
    a = table[str(area.subregions[0].pk)]
    assert a["numerator"] == "<5" and a["value"] == "—"  # not 7,5%
    for cells in table.values():
        if cells["value"] != "—":
            assert cells["numerator"] not in ("<5", SECONDARY_MARK)
            assert cells["denominator"] not in ("<5", SECONDARY_MARK)


def test_report_xlsx_publishes_exactly_the_drilldown(area, steering):
    _store(area, [(3, 12), (12, 16), (15, 20)])
    page = _page_table(steering)
    xlsx = _xlsx_rows(area)
    assert any(SECONDARY_MARK in cells.values() for cells in page.values())  # the premise
    for s in area.subregions:
        cells = page[str(s.pk)]
        num, den, value = xlsx[s.name]
        assert (num, den) == (cells["numerator"], cells["denominator"]), s.name
        assert (value in ("", None)) == (cells["value"] == "—"), s.name


def test_dashboard_and_drilldown_agree_on_the_region(area, steering):
    """Subregions 3/12, 0/16 and 2/20: the table would hide its totals (5 and 48), which the
    dashboard publishes as the region's figure; the drill-down masks every subregion count
    instead, and so do the subregions' own dashboards."""
    _store(area, [(3, 12), (0, 16), (2, 20)])
    page = _page_table(steering)
    assert page["total"]["numerator"] == "5" and page["total"]["denominator"] == "48"
    for s in area.subregions:
        assert page[str(s.pk)]["numerator"] in ("<5", SECONDARY_MARK, "0")  # zeros stay
        assert page[str(s.pk)]["denominator"] == SECONDARY_MARK
        assert page[str(s.pk)]["value"] == "—"
    c = area.subregions[2]
    response = steering.get(reverse("monitoring:dashboard"), {"period": Q1.key, "subregion": c.pk})
    row = response.content.decode().split(f'data-kpi="{KPI}"')[1].split("</tr>")[0]
    assert "20" not in re.sub(r"<[^>]+>", " ", row).split()
    xlsx = _xlsx_rows(area)
    assert xlsx[c.name][1] == SECONDARY_MARK


def test_per_group_table_has_complementary_suppression(area, steering):
    """Age bands 3 and 20 of a region's published 23: the 20 gives the 3 back."""
    stored.store(
        KPI,
        Q1,
        {
            (REGION, area.region.pk, ""): (23.0, 40.0),
            (REGION, area.region.pk, "age:18-64"): (3.0, 15.0),
            (REGION, area.region.pk, "age:65+"): (20.0, 25.0),
        },
    )
    page = steering.get(reverse("monitoring:kpi", args=[KPI]), {"period": Q1.key}).content
    text = page.decode().replace("&lt;", "<")
    groups = text[text.index('id="sub-heading"') :]
    groups = groups[: groups.index("</table>")]
    assert "20 /" not in groups
    assert "<5 /" in groups


# --- the property: nothing published can be combined into a hidden cell ------------------------

counts = st.integers(min_value=0, max_value=14)
subregion_figures = st.lists(
    st.tuples(counts, counts).map(lambda t: (min(t), max(t))), min_size=3, max_size=3
)


def _state(text: str) -> str:
    return PRIMARY if text == "<5" else "secondary" if text == SECONDARY_MARK else ""


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(subs=subregion_figures)
@example(subs=[(0, 0), (0, 0), (1, 6)])  # one non-zero denominator: it is the total
@example(subs=[(3, 12), (0, 16), (2, 20)])
@example(subs=[(0, 0), (0, 4), (0, 4)])  # two <5 making up a published 8: withheld
def test_no_suppressed_cell_can_be_recovered_from_the_published_outputs(area, steering, subs):
    """The KPI page's drill-down table and the report's XLSX, taken together with the region's
    figure (dashboard): the same cells are hidden in both, a rate is shown only beside two
    published counts, and an attacker who knows every published cell, that rows and columns
    add up, that "<5" means 1–4 and "•" means 0 or at least 5, cannot pin down a hidden one."""
    _store(area, subs)
    page = _page_table(steering)
    xlsx = _xlsx_rows(area)
    n = len(subs)
    if not page:  # withheld: the XLSX publishes no subregion count either
        assert all(xlsx[s.name][:2] in (("—", "—"), ("", "")) for s in area.subregions), xlsx
        return
    for s in area.subregions:
        cells = page[str(s.pk)]
        num, den, value = xlsx[s.name]
        assert (num, den) == (cells["numerator"], cells["denominator"])
        if cells["value"] != "—" or value not in ("", None):
            assert _state(num) == "" and _state(den) == ""
    # Each column (numerators, denominators) with its total — the page's total row, which is
    # the region's figure on the dashboard — as a one-column table.
    for j, name in enumerate(("numerator", "denominator")):
        column = [[s[j]] for s in subs]
        values = _full(column)
        texts = [page[str(s.pk)][name] for s in area.subregions] + [page["total"][name]]
        states: dict[tuple[int, int], str] = {}
        for i, text in enumerate(texts):
            if _state(text):
                states[(i, 0)] = states[(i, 1)] = _state(text)
            else:
                assert text == suppression.count_text(values[(i, 0)]), (subs, name, texts)
        lines = suppression._lines(n, 1)
        cap = values[(n, 0)] + M
        pinned = _pinned(values, states, lines, cap)
        assert not pinned, f"{subs} ({name}): {pinned} recoverable ({texts})"
