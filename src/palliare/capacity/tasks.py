"""Background work of capacity. Tasks take ids, are idempotent and call services."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def remind_stale_facility(facility_id: int) -> bool:
    """Send the stale-status reminder to one facility; False when none was due."""
    return services.remind_facility(facility_id).sent
