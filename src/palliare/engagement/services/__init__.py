"""Writes and figures of engagement: public events and the campaign, the newsletter, the public
pages. Other apps use :func:`year_figures` and :func:`coverage`."""

from .campaign import Coverage, YearFigures, coverage, year_figures

__all__ = ["Coverage", "YearFigures", "coverage", "year_figures"]
