"""Figures for monitoring's KPIs whose source is "delivered by organisations".

A delivered KPI's rule names the data elements: ``"<numerator>"`` for a count (e.g.
``zh_consulten``) or ``"<numerator>/<denominator>"`` for a share (e.g.
``zh_consulten_pzp/zh_consulten``). Only accepted deliveries count (the latest accepted version
per organisation and period, :func:`accepted_values`). The region's figure adds up the
organisations that delivered both elements; each organisation's own figure is stored beside it
and leaves the database only through monitoring's suppression and anonymisation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from palliare.monitoring.constants import AreaType
from palliare.monitoring.periods import Period
from palliare.monitoring.sources import Figure
from palliare.organizations.models import Region

from .services import accepted_values


def _share(numerator: Decimal, denominator: Decimal | None) -> float | None:
    if denominator is None:
        return float(numerator)
    return float(100 * numerator / denominator) if denominator else None


def delivered_figures(rule: str, period: Period) -> list[Figure]:
    """The region's and each delivering organisation's figure for ``period``."""
    numerator_code, _slash, denominator_code = rule.partition("/")
    last_day = period.end - dt.timedelta(days=1)
    numerators = accepted_values(numerator_code.strip(), period.start, last_day)
    denominators = (
        accepted_values(denominator_code.strip(), period.start, last_day)
        if denominator_code
        else None
    )
    figures: list[Figure] = []
    total_n = Decimal(0)
    total_d = Decimal(0)
    for org_id in sorted(numerators):
        n = numerators[org_id]
        d = denominators.get(org_id) if denominators is not None else None
        if denominators is not None and d is None:
            continue  # a share needs both elements from the same organisation
        total_n += n
        total_d += d or 0
        figures.append(
            Figure(
                area_type=AreaType.ORGANIZATION,
                area_id=org_id,
                subgroup="",
                numerator=float(n),
                denominator=float(d) if d is not None else None,
                value=_share(n, d),
            )
        )
    region = Region.objects.order_by("pk").first()
    if region is not None and figures:
        figures.append(
            Figure(
                area_type=AreaType.REGION,
                area_id=region.pk,
                subgroup="",
                numerator=float(total_n),
                denominator=float(total_d) if denominators is not None else None,
                value=_share(total_n, total_d if denominators is not None else None),
            )
        )
    return figures
