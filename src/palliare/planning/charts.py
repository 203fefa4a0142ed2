"""The planning charts as Vega-Lite specifications, with monitoring's chart machinery (altair,
rendered in the page by vega-embed and as SVG for a PDF by vl-convert; decision 0023). Both
scenarios share one scale so that the side-by-side charts compare honestly. Each chart has a
table on the page as its text alternative."""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from palliare.monitoring.charts import configure, data

from .constants import HORIZONS
from .figures import ScenarioResult

COLORS = ["#8a8a8a", "#2f6f8f", "#b5451b"]


def scale_max(results: list[ScenarioResult]) -> float:
    """The largest bar over the scenarios shown together (their common scale)."""
    top = 1.0
    for result in results:
        years = [result.values.start_year + h for h in HORIZONS]
        for area in result.areas:
            top = max(top, float(area.area.hospice_beds))
            for year in years:
                figures = area.at(year)
                if figures is not None:
                    top = max(top, figures.beds_needed)
    return top * 1.1


def beds_spec(
    result: ScenarioResult, *, y_max: float | None = None, width: int | str = "container"
) -> dict[str, Any]:
    """Per subregion: the hospice beds in the directory now and the beds needed at the five-
    and ten-year horizon, as grouped horizontal bars (long subregion names stay readable)."""
    now = _("In the directory now")
    series = [now]
    rows: list[dict[str, Any]] = []
    for area in result.areas:
        rows.append({"area": area.area.name, "series": now, "beds": area.area.hospice_beds})
        for horizon in HORIZONS:
            year = result.values.start_year + horizon
            label = _("Needed in %(year)s") % {"year": year}
            if label not in series:
                series.append(label)
            figures = area.at(year)
            if figures is not None:
                rows.append(
                    {"area": area.area.name, "series": label, "beds": round(figures.beds_needed, 1)}
                )
    x = alt.X(
        "beds:Q",
        title=_("Hospice beds"),
        scale=alt.Scale(domain=[0, round(y_max or scale_max([result]), 1)]),
    )
    chart = (
        alt.Chart(data(rows))
        .mark_bar()
        .encode(
            y=alt.Y("area:N", title=None, sort=None, axis=alt.Axis(labelLimit=170)),
            yOffset=alt.YOffset("series:N", sort=series),
            x=x,
            color=alt.Color(
                "series:N", title=None, sort=series, scale=alt.Scale(domain=series, range=COLORS)
            ),
            tooltip=[
                alt.Tooltip("area:N", title=_("Subregion")),
                alt.Tooltip("series:N", title=_("Series")),
                alt.Tooltip("beds:Q", title=_("Beds"), format=".1f"),
            ],
        )
    )
    spec = configure(chart, width=width)
    spec["height"] = max(spec.get("height", 180), 14 * len(series) * len(result.areas))
    return spec
