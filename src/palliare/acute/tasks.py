"""Background work of the acute path: telling the GP practice of an emergency access."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def notify_practice_of_emergency_access(access_id: int) -> int:
    """Enqueued at an emergency access to run the next working day: tell the patient's lead
    practitioner and GP practice (idempotent; does nothing before it is due)."""
    return services.notify_practice_of_emergency_access(access_id)


@task()
def notify_due_emergency_accesses() -> int:
    """The daily sweep (``manage.py notify_emergency_access``): every due, untold access."""
    return services.notify_due_practices()
