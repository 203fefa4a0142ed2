"""Charts as Vega-Lite specifications built with altair (decision 0023): the same spec is
rendered interactively in the page (vendored vega-embed, no inline script) and as SVG for the
PDF through vl-convert, without a browser. Charts get only published figures (after
suppression); each has a table alternative on its page."""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from palliare.ui import charts as ui_charts

from . import intervals
from .figures import KpiRow, Point
from .models import KpiTarget

WIDTH = ui_charts.WIDTH
HEIGHT = ui_charts.HEIGHT
configure = ui_charts.configure
data = ui_charts.data
to_svg = ui_charts.to_svg
_config = ui_charts.configure
_data = ui_charts.data


def trend_spec(row: KpiRow, *, width: int | str = "container") -> dict[str, Any]:
    """The quarterly trend with its 95% interval band and the target as a dashed line."""
    data = [
        {
            "period": p.period.label,
            "start": p.period.start.isoformat(),
            "value": round(p.value, 2) if p.value is not None else None,
            "low": round(p.ci[0], 2) if p.ci else None,
            "high": round(p.ci[1], 2) if p.ci else None,
        }
        for p in row.trend
    ]
    unit = str(row.version.get_unit_display())
    x = alt.X("start:T", title=_("Quarter"), axis=alt.Axis(format="%Y Q%q", tickCount=6))
    base = alt.Chart(_data(data))
    layers: list[Any] = [
        base.mark_area(opacity=0.2, color="#2f6f8f").encode(x=x, y="low:Q", y2="high:Q"),
        base.mark_line(point=True, color="#2f6f8f").encode(
            x=x,
            y=alt.Y("value:Q", title=unit),
            tooltip=[
                alt.Tooltip("period:N", title=_("Quarter")),
                alt.Tooltip("value:Q", title=_("Value")),
                alt.Tooltip("low:Q", title=_("95% interval from")),
                alt.Tooltip("high:Q", title=_("95% interval to")),
            ],
        ),
    ]
    if row.target is not None:
        layers.append(target_rule(row.target))
    return _config(alt.layer(*layers), width=width)


def target_rule(target: KpiTarget) -> Any:
    return (
        alt.Chart(_data([{"target": float(target.value)}]))
        .mark_rule(strokeDash=[6, 4], color="#b5451b")
        .encode(y="target:Q", tooltip=[alt.Tooltip("target:Q", title=_("Target"))])
    )


def funnel_spec(
    units: list[tuple[str, Point]],
    overall: float,
    *,
    width: int | str = "container",
    highlight: str | None = None,
) -> dict[str, Any]:
    """Units (subregions or organisations) as points against their denominator, with 95% and
    99.8% control limits around the overall rate; the unit named ``highlight`` (an
    organisation's own point on its mirror) is drawn larger, in another colour."""
    shown = [(name, p) for name, p in units if p.value is not None and p.denominator]
    max_n = int(max((p.denominator or 0 for _n, p in shown), default=10) * 1.2) + 1
    limits = [
        {"n": f.n, "l95": f.lower95, "u95": f.upper95, "l998": f.lower998, "u998": f.upper998}
        for f in intervals.funnel_limits(overall, max_n)
    ]
    points = [
        {
            "name": name,
            "n": p.denominator,
            "value": round(p.value or 0, 1),
            "own": name == highlight,
        }
        for name, p in shown
    ]
    x = alt.X("n:Q", title=_("Number of cases (denominator)"))
    y_title = _("Percent")
    band = alt.Chart(_data(limits))
    layers = [
        band.mark_line(color="#999", strokeDash=[2, 2]).encode(
            x=x, y=alt.Y("u998:Q", title=y_title)
        ),
        band.mark_line(color="#999", strokeDash=[2, 2]).encode(x=x, y="l998:Q"),
        band.mark_line(color="#555").encode(x=x, y="u95:Q"),
        band.mark_line(color="#555").encode(x=x, y="l95:Q"),
        alt.Chart(_data([{"overall": overall}])).mark_rule(color="#2f6f8f").encode(y="overall:Q"),
        alt.Chart(_data(points))
        .mark_circle()
        .encode(
            x=x,
            y="value:Q",
            color=alt.condition("datum.own", alt.value("#1b4f9c"), alt.value("#b5451b")),
            size=alt.condition("datum.own", alt.value(160), alt.value(70)),
            tooltip=[
                alt.Tooltip("name:N", title=_("Area")),
                alt.Tooltip("value:Q", title=_("Value")),
                alt.Tooltip("n:Q", title=_("Cases")),
            ],
        ),
    ]
    return _config(alt.layer(*layers), width=width)


def bars_spec(
    items: list[tuple[str, float | None, float | None]], *, width: int | str = "container"
) -> dict[str, Any]:
    """Horizontal bars (e.g. place of death): label, Palliare's value, a reference value."""
    data = []
    for label, value, reference in items:
        if value is not None:
            data.append({"label": label, "series": _("Register"), "value": round(value, 1)})
        if reference is not None:
            data.append(
                {"label": label, "series": _("Netherlands (IKNL/PZNL)"), "value": reference}
            )
    chart = (
        alt.Chart(_data(data))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None),
            x=alt.X("value:Q", title=_("Percent")),
            yOffset="series:N",
            color=alt.Color("series:N", title=None, scale=alt.Scale(range=["#2f6f8f", "#c9a227"])),
            tooltip=["label:N", "series:N", "value:Q"],
        )
    )
    return _config(chart, width=width)
