"""Charts as Vega-Lite specifications built with altair (decision 0023): the same spec is
rendered interactively in the page (vendored vega-embed, no inline script) and as SVG for the
PDF through vl-convert, without a browser. Charts get only published figures (after
suppression); each has a table alternative on its page."""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from palliare.ui import charts as ui_charts

from . import formatting, intervals
from .constants import Unit
from .figures import KpiRow, Point
from .models import KpiTarget
from .periods import quarter_letter

WIDTH = ui_charts.WIDTH
HEIGHT = ui_charts.HEIGHT
configure = ui_charts.configure
data = ui_charts.data
to_svg = ui_charts.to_svg
_config = ui_charts.configure
_data = ui_charts.data


def trend_spec(row: KpiRow, *, width: int | str = "container") -> dict[str, Any]:
    """The quarterly trend with its 95% interval band and the target as a dashed line."""
    unit = row.version.unit
    data = [
        {
            "period": p.period.display,
            "start": p.period.start.isoformat(),
            "value": formatting.chart_value(p.value, unit),
            "value_text": formatting.format_value(p.value, unit),
            "low": formatting.chart_value(p.ci[0], unit) if p.ci else None,
            "high": formatting.chart_value(p.ci[1], unit) if p.ci else None,
            "low_text": formatting.format_value(p.ci[0], unit) if p.ci else None,
            "high_text": formatting.format_value(p.ci[1], unit) if p.ci else None,
        }
        for p in row.trend
    ]
    x = alt.X("start:T", title=_("Quarter"), axis=quarter_axis(len(data)))
    base = alt.Chart(_data(data))
    layers: list[Any] = [
        base.mark_area(opacity=0.2, color="#2f6f8f").encode(x=x, y="low:Q", y2="high:Q"),
        base.mark_line(point=True, color="#2f6f8f").encode(
            x=x,
            y=alt.Y("value:Q", title=str(row.version.get_unit_display())),
            tooltip=[
                alt.Tooltip("period:N", title=_("Quarter")),
                alt.Tooltip("value_text:N", title=_("Value")),
                alt.Tooltip("low_text:N", title=_("95% interval from")),
                alt.Tooltip("high_text:N", title=_("95% interval to")),
            ],
        ),
    ]
    if row.target is not None:
        layers.append(target_rule(row.target, unit))
    return _config(alt.layer(*layers), width=width)


def quarter_axis(quarters: int) -> alt.Axis:
    """A time axis labelled by quarter in the active language ("K3 2026"): one tick per
    quarter for a short trend, else one per year, labels slanted and thinned so they never
    run into each other (in the page and in the PDF's SVG alike)."""
    fmt = f"{quarter_letter()}%q %Y"
    ticks: Any = {"interval": "month", "step": 3} if quarters <= 6 else "year"
    return alt.Axis(
        format=fmt,
        formatType="time",
        tickCount=ticks,
        labelAngle=-40,
        labelAlign="right",
        labelBaseline="top",
        labelOverlap="greedy",
        labelPadding=4,
        grid=False,
    )


def target_rule(target: KpiTarget, unit: str) -> Any:
    text = formatting.format_value(float(target.value), unit)
    return (
        alt.Chart(_data([{"target": float(target.value), "target_text": text}]))
        .mark_rule(strokeDash=[6, 4], color="#b5451b")
        .encode(y="target:Q", tooltip=[alt.Tooltip("target_text:N", title=_("Target"))])
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
            "value": formatting.chart_value(p.value or 0, Unit.PERCENT),
            "value_text": p.text,
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
                alt.Tooltip("value_text:N", title=_("Value")),
                alt.Tooltip("n:Q", title=_("Cases"), format=",d"),
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
            data.append(
                {
                    "label": label,
                    "series": _("Register"),
                    "value": formatting.chart_value(value, Unit.PERCENT),
                    "value_text": formatting.format_value(value, Unit.PERCENT),
                }
            )
        if reference is not None:
            data.append(
                {
                    "label": label,
                    "series": _("Netherlands (IKNL/PZNL)"),
                    "value": reference,
                    "value_text": formatting.format_value(reference, Unit.PERCENT),
                }
            )
    chart = (
        alt.Chart(_data(data))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None),
            x=alt.X("value:Q", title=_("Percent")),
            yOffset="series:N",
            color=alt.Color("series:N", title=None, scale=alt.Scale(range=["#2f6f8f", "#c9a227"])),
            tooltip=["label:N", "series:N", alt.Tooltip("value_text:N", title=_("Value"))],
        )
    )
    return _config(chart, width=width)
