"""The figures monitoring computes with."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..constants import ADDITIVE_TYPES, DeliveryStatus
from ..models import DeliveryValue


def accepted_values(
    element_code: str, period_start: dt.date, period_end: dt.date
) -> dict[int, Decimal]:
    """Organisation id → the accepted value of ``element_code`` for the periods that lie wholly
    within [period_start, period_end].

    Per organisation and period the latest *accepted* delivery version counts (a newer version
    still under review or returned does not replace it). When the range holds several periods
    of an organisation (e.g. a year asked of quarterly data), their values are added up; that
    is only allowed for additive elements (whole and decimal numbers) and raises ValueError for
    percentages and yes/no. Organisations without an accepted value are absent; empty optional
    values are skipped. Reads no patient data; for monitoring's KPIs.
    """
    candidates = (
        DeliveryValue.objects.filter(
            element_code=element_code,
            delivery__status=DeliveryStatus.ACCEPTED,
            delivery__period_start__gte=period_start,
            delivery__period_end__lte=period_end,
        )
        .select_related("delivery__version")
        .order_by("delivery__organization_id", "delivery__period_start", "-delivery__number")
    )
    chosen: dict[tuple[int, dt.date], DeliveryValue] = {}
    for row in candidates:
        key = (row.delivery.organization_id, row.delivery.period_start)
        chosen.setdefault(key, row)  # the first per key is the highest accepted number
    result: dict[int, Decimal] = {}
    periods_per_org: dict[int, int] = {}
    for (org_id, _start), row in chosen.items():
        if row.value is None:
            continue
        spec = row.delivery.version.spec.element(element_code)
        periods_per_org[org_id] = periods_per_org.get(org_id, 0) + 1
        if periods_per_org[org_id] > 1 and (spec is None or spec.value_type not in ADDITIVE_TYPES):
            raise ValueError(f"{element_code} is not additive; ask for one period at a time.")
        result[org_id] = result.get(org_id, Decimal(0)) + row.value
    return result
