"""Background work of training. Tasks take ids, are idempotent and call services."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def remind_session(session_id: int) -> int:
    """Remind the participants of one session (each participant once)."""
    return services.remind_session(session_id)


@task()
def notify_moved_up(registration_id: int) -> bool:
    """Tell a participant they moved up from the waiting list."""
    return services.notify_moved_up(registration_id)
