"""Notify professionals in the app, and by e-mail (without patient details) where wanted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from palliare.accounts.actors import Actor
from palliare.accounts.models import User

from .messages import Message
from .models import Notification

MESSAGE_ID_LENGTH = Notification._meta.get_field("message_id").max_length or 0


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    title: Message,
    url: str = "",
    patient_id: int | None = None,
    email: bool = False,
    exclude: User | None = None,
) -> list[Notification]:
    """Create one notification per recipient (once each). The ``title`` is a message id with
    parameters (:func:`.messages.message`), shown to each reader in their own language. With
    ``email``, an e-mail saying only that there is news in Palliare is sent after commit."""
    stored_title = title.render(settings.LANGUAGE_CODE)[:300]
    # A message id longer than its column cannot be kept whole: the reader then gets the
    # stored (cut) title instead of a translation, never a truncated id.
    message_id = title.msgid if len(title.msgid) <= MESSAGE_ID_LENGTH else ""
    seen: set[int] = set()
    notifications = []
    for user in recipients:
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        notifications.append(
            Notification(
                recipient=user,
                kind=kind,
                title=stored_title,
                message_id=message_id,
                params=title.params,
                url=url,
                patient_id=patient_id,
            )
        )
    created = Notification.objects.bulk_create(notifications)
    if email and created:
        from . import tasks

        ids = [n.pk for n in created]  # SQLite ≥ 3.35 and PostgreSQL return the new ids
        transaction.on_commit(lambda: tasks.send_notification_emails.enqueue(ids))
    return created


def mark_read(actor: Actor, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all, or the given ones)."""
    if actor.user is None:
        return 0
    unread = Notification.objects.filter(recipient=actor.user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def attach_patient_names(actor: Actor, notifications: Sequence[Notification]) -> None:
    """Show the patient a notification is about, but only to someone who may see that patient
    now (titles never carry names: access can end after the notification was made). The names
    shown are written to the access log as a list view."""
    from palliare.patients.access import record_list_view
    from palliare.patients.models import Patient

    ids = {n.patient_id for n in notifications if n.patient_id}
    visible = {p.pk: p for p in Patient.objects.visible_to(actor).filter(pk__in=ids)} if ids else {}
    for notification in notifications:
        patient = visible.get(notification.patient_id or 0)
        notification.patient_name = patient.full_name if patient else ""  # type: ignore[attr-defined]
    record_list_view(actor, "notifications.patients_shown", list(visible.values()))
