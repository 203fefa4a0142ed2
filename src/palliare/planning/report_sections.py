"""Capacity planning in the network's annual report (the programme's section registry): per
scenario in use, the hospice beds needed at the five- and ten-year horizon against the beds in
the directory, and specialists needed against available, for the whole region."""

from __future__ import annotations

from django.utils.translation import gettext as _

from palliare.programme.report_sections import ReportSection, register

from . import figures, tables
from .constants import HORIZONS


def capacity_figures(year: int) -> ReportSection | None:
    """The annual report's capacity section; None without a region or a scenario. The figures
    are those of the scenarios' current versions (their version numbers are in the text)."""
    region = figures.default_region()
    if region is None:
        return None
    chosen = figures.scenarios(region)
    if not chosen:
        return None
    _inputs, results = figures.results(region, chosen)
    rows = []
    for result in results:
        region_row = tables.area_row(
            result.region, [result.values.start_year + h for h in HORIZONS], is_total=True
        )
        for cell in region_row.cells:
            rows.append(
                [
                    f"{result.scenario.name} (v{result.version.version})",
                    str(cell.year),
                    region_row.beds_now,
                    cell.beds_needed,
                    cell.beds_gap,
                    cell.specialists_needed,
                    cell.specialists_available,
                ]
            )
    return ReportSection(
        key="capacity",
        title=_("Capacity planning: hospice beds and palliative care specialists"),
        paragraphs=[
            _(
                "Beds needed = expected deaths × share dying in a hospice × mean length of stay ÷ "
                "(365 × target occupancy), for the whole region at the five- and ten-year "
                "horizon of each scenario, against the hospice and palliative-unit beds in the "
                "directory. Specialists available = the register minus expected departures. "
                "The assumptions and their sources are on the planning page."
            )
        ],
        header=[
            _("Scenario"),
            _("Year"),
            _("Beds now"),
            _("Beds needed"),
            _("Short (+) or to spare (−)"),
            _("Specialists needed"),
            _("Specialists available"),
        ],
        rows=rows,
    )


register("capacity", order=38)(capacity_figures)
