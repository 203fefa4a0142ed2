"""Background work of monitoring. Tasks take ids, are idempotent and call services."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def recompute_kpis(run_id: int) -> int:
    """Recompute the stored KPI figures for a queued run; returns the values written."""
    return services.run_recompute(run_id).values_written
