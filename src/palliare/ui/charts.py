"""The house style of every chart (decision 0023): Vega-Lite specifications built with altair,
rendered interactively in the page (vendored vega-embed through ``ui/partials/chart_assets.html``
and ``data-chart`` containers, no inline script) and as SVG for PDFs through vl-convert, without
a browser. Each chart's container carries ``role="img"`` and a label, and its page has a table
as the text alternative."""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils import translation

WIDTH = 520
HEIGHT = 180
FONT = "system-ui, sans-serif"

#: d3's number and time formats for Dutch (nl-NL), so axes read "8 nov" and "27,7", not "8 Nov"
#: and "27.7"; Vega-Lite applies ``config.locale`` in the page and in vl-convert alike.
DUTCH_LOCALE: dict[str, Any] = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]},
    "time": {
        "dateTime": "%a %e %B %Y %X",
        "date": "%d-%m-%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
        "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
        "months": [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        "shortMonths": [
            "jan",
            "feb",
            "mrt",
            "apr",
            "mei",
            "jun",
            "jul",
            "aug",
            "sep",
            "okt",
            "nov",
            "dec",
        ],
    },
}


def configure(
    chart: alt.TopLevelMixin, *, width: int | str = "container", height: int = HEIGHT
) -> dict[str, Any]:
    """The chart as a Vega-Lite specification in the house style (size, font, no ARIA on the
    marks: the container is the image, the table the text alternative)."""
    spec: dict[str, Any] = chart.properties(width=width, height=height).to_dict()
    spec["config"] = {
        "font": FONT,
        "axis": {"labelFontSize": 11, "titleFontSize": 11},
        "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom"},
        "view": {"stroke": None},
        "aria": False,
    }
    if (translation.get_language() or "nl").startswith("nl"):
        spec["config"]["locale"] = DUTCH_LOCALE
    return spec


def data(values: list[dict[str, Any]]) -> Any:
    """Inline data for a chart."""
    return alt.Data(values=values)  # type: ignore[no-untyped-call]


def to_svg(spec: dict[str, Any]) -> str:
    """The chart as SVG (for a PDF), rendered without a browser."""
    import vl_convert as vlc

    fixed = dict(spec)
    if fixed.get("width") == "container":
        fixed["width"] = WIDTH
    return str(vlc.vegalite_to_svg(fixed))
