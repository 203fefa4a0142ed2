"""Public events with double opt-in registration, the newsletter (lists, subscribers, editions)
and the network's public pages."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import ACTIVE_ATTENDEE, AttendeeStatus, Audience, EditionStatus, EventKind, PageSlug


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class EventQuerySet(models.QuerySet["Event"]):
    def published(self) -> EventQuerySet:
        return self.filter(is_published=True)

    def upcoming(self) -> EventQuerySet:
        return self.filter(ends_at__gt=timezone.now())

    def campaign(self) -> EventQuerySet:
        return self.filter(kind=EventKind.DOOD_UIT_DE_POT, cancelled_at__isnull=True)


class Event(models.Model):
    """A public meeting (a 'Dood uit de Pot' evening, symposium, theatre evening): when, where,
    how many places. Attendance is counted afterwards."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("place"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        "organizations.Municipality",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("municipality"),
    )
    postcode_area = models.ForeignKey(
        "organizations.PostcodeArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("postcode area (for the map)"),
    )
    places = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    is_published = models.BooleanField(_("published"), default=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attendance_count = models.PositiveIntegerField(_("attendance counted"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("public event")
        verbose_name_plural = _("public events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="engagement_event_ends_after_start",
                violation_error_message=_("The event must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Attendee(models.Model):
    """A person registered for a public event with name and e-mail address, confirmed through a
    signed link (double opt-in). Name and address are deleted after the retention period
    (``personal_data_deleted_at``); the row stays for the counts."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AttendeeStatus.choices)
    nonce = models.CharField(max_length=32, default=new_nonce)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True)
    cancelled_at = models.DateTimeField(null=True)
    reminder_sent_at = models.DateTimeField(null=True)
    personal_data_deleted_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=models.Q(status__in=ACTIVE_ATTENDEE) & ~models.Q(email=""),
                name="engagement_one_active_attendee_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.get_status_display()}"


class NewsletterList(models.Model):
    """A mailing list: for professionals or inhabitants, optionally of one subregion."""

    name = models.CharField(_("name"), max_length=100)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    subregion = models.ForeignKey(
        "organizations.Subregion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subregion"),
    )
    is_public = models.BooleanField(_("open for subscription on the public pages"), default=True)

    class Meta:
        verbose_name = _("newsletter list")
        verbose_name_plural = _("newsletter lists")
        ordering = ["audience", "name"]

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    """An e-mail address that subscribed (double opt-in) to one or more lists."""

    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lists = models.ManyToManyField(NewsletterList, related_name="subscribers", blank=True)
    nonce = models.CharField(max_length=32, default=new_nonce)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True)
    unsubscribed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="engagement_subscriber_email_ci"),
        ]

    def __str__(self) -> str:
        return f"subscriber {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Edition(models.Model):
    """An edition of the newsletter: text blocks and automatic blocks (coming events and
    trainings), sent through the task queue in batches to the subscribers of its lists."""

    subject = models.CharField(_("subject"), max_length=200)
    blocks = models.JSONField(_("blocks"), default=list, blank=True)
    lists = models.ManyToManyField(NewsletterList, related_name="editions", verbose_name=_("lists"))
    status = models.CharField(
        _("status"), max_length=16, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    total = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0)
    #: Highest subscriber id already sent to: a resumed send continues after it.
    cursor = models.PositiveBigIntegerField(default=0)
    html = models.TextField(blank=True, help_text="The rendered edition as sent (archive).")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class PublicPage(models.Model):
    """One of the network's public pages, in B1 Dutch with an English version."""

    slug = models.CharField(_("page"), max_length=40, choices=PageSlug.choices, unique=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    body_nl = models.TextField(_("text (Dutch)"))
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("public page")
        verbose_name_plural = _("public pages")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title_nl
