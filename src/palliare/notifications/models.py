"""In-app notifications for professionals (and the e-mail that may accompany them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .messages import render


class Notification(models.Model):
    """A message for one user: what happened and where to look. The text may name the patient
    (it is shown inside the application only); e-mails never carry patient details."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64)
    #: The text in the network's language when made: the e-mail subject line's and the
    #: admin's, and what is shown for notifications made before ``message_id`` existed.
    title = models.CharField(_("title"), max_length=300)
    #: The English message id and its parameters (see :mod:`.messages`): the text is rendered
    #: when read, in the reader's language.
    message_id = models.CharField(max_length=300, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    patient_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        # The id breaks ties: notifications made in one transaction share their time, and
        # pages must not shift between requests.
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def text(self) -> str:
        """The notification in the active language (the stored title for old ones)."""
        if not self.message_id:
            return self.title
        return render(self.message_id, self.params)
