"""Trainings in the network's annual report (the programme's section registry)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from palliare.programme.report_sections import ReportSection, register

from .services import year_figures


@register("trainings", order=70)
def trainings(year: int) -> ReportSection | None:
    """Sessions, places offered and taken, participants and participants per subregion; small
    counts as "<5" (``year_figures`` suppresses them). None for a year without sessions."""
    figures = year_figures(year)
    if not figures.sessions:
        return None
    paragraphs = [
        _(
            "%(sessions)s training sessions with %(offered)s places; %(taken)s places taken, "
            "%(participants)s participants recorded present, %(waiting)s on a waiting list."
        )
        % {
            "sessions": figures.sessions,
            "offered": figures.places_offered,
            "taken": figures.places_taken,
            "participants": figures.participants,
            "waiting": figures.waiting,
        }
    ]
    return ReportSection(
        key="trainings",
        title=_("Training"),
        paragraphs=paragraphs,
        header=[_("Subregion"), _("Participants")],
        rows=[[name, str(count)] for name, count in figures.by_subregion.items()],
    )
