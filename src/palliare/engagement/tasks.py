"""Background work of engagement. Tasks take ids, are idempotent and call services."""

from __future__ import annotations

from django_tasks import task

from .services import events, newsletter


@task()
def send_edition(edition_id: int) -> int:
    """Send a queued newsletter edition in batches (resumes after its cursor)."""
    return newsletter.send_edition(edition_id)


@task()
def remind_event(event_id: int) -> int:
    """The reminder the day before a public event, to each attendee once."""
    return events.remind_event(event_id)


@task()
def purge_attendees() -> int:
    """Delete attendees' personal data after the retention period (logged)."""
    return events.purge_personal_data()
