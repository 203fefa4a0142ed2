"""The monitoring KPIs in the network's annual report (the programme's section registry): the
region's figure for the year beside its target and baseline, published through the same
suppression as every other page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from palliare.programme.report_sections import ReportSection, register

from .constants import AreaType
from .figures import dashboard, default_region
from .formatting import format_value
from .periods import Period


@register("monitoring", order=35)
def kpis(year: int) -> ReportSection | None:
    """One row per KPI in use: the year's value, target, baseline. None without a region or
    without any figure for the year."""
    region = default_region()
    if region is None:
        return None
    rows = dashboard(AreaType.REGION, region.pk, period=Period.year(year))
    if not any(row.latest is not None for row in rows):
        return None
    table = []
    for row in rows:
        unit = row.version.unit
        target = format_value(float(row.target.value), unit) if row.target is not None else "—"
        table.append(
            [
                row.version.number,
                row.version.name,
                row.latest.text if row.latest is not None else "—",
                target,
                row.baseline.text if row.baseline is not None else "—",
            ]
        )
    return ReportSection(
        key="monitoring",
        title=_("Monitoring: the KPIs of the year"),
        paragraphs=[
            _(
                "Figures for the whole region over %(year)s, computed from the register and the "
                "organisations' accepted deliveries. Counts under 5 are shown as <5 and shares "
                "only for groups of at least 10; the calculation rules are in the periodic "
                "regional report."
            )
            % {"year": year}
        ],
        header=[_("KPI"), _("Name"), _("Value"), _("Target"), _("Baseline")],
        rows=table,
    )
