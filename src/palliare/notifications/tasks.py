"""E-mail for notifications: no patient details, only a pointer into the application."""

from __future__ import annotations

import smtplib

import structlog
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Notification

logger = structlog.get_logger(__name__)


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send one e-mail per notification not yet e-mailed (idempotent). Users without an
    address or with a deactivated account get none; an address the mail server refuses is
    logged and left for a later run, and does not hold back the others."""
    sent = 0
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True, recipient__is_active=True
    )
    link = settings.SITE_URL.rstrip("/") + reverse("notifications:list")
    for notification in pending.select_related("recipient"):
        address = notification.recipient.email
        if not address:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("New in Palliare")
            body = _(
                "There is news for you in Palliare. Log in to read it:\n\n%(url)s\n\n"
                "For privacy reasons this e-mail contains no patient details."
            ) % {"url": link}
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except smtplib.SMTPRecipientsRefused as error:
            logger.warning(
                "notification_email_refused",
                notification_id=notification.pk,
                recipient_id=notification.recipient_id,
                error=type(error).__name__,
            )
            continue
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
