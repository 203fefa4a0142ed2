"""Public events, the campaign and the newsletter in the network's annual report (the
programme's section registry)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from palliare.programme.report_sections import ReportSection, register

from .services import year_figures


@register("engagement", order=75)
def engagement(year: int) -> ReportSection | None:
    """Events held, 'Dood uit de Pot' evenings, registrations and attendance, and newsletter
    editions against the yearly target. None for a year with neither events nor editions."""
    figures = year_figures(year)
    if not figures.events and not figures.editions_sent:
        return None
    return ReportSection(
        key="engagement",
        title=_("Public events and the newsletter"),
        header=[_("What"), _("Count")],
        rows=[
            [_("Public events held"), str(figures.events)],
            [_("of which 'Dood uit de Pot' evenings"), str(figures.campaign_events)],
            [_("Confirmed registrations"), str(figures.registrations)],
            [_("Attendance counted"), str(figures.attendance)],
            [
                _("Newsletter editions sent (target %(target)s)")
                % {"target": figures.editions_target},
                str(figures.editions_sent),
            ],
        ],
    )
