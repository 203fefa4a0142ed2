"""Test data for notifications: a notification for a user, unread unless ``read=True``."""

from __future__ import annotations

import factory
from django.utils import timezone

from palliare.accounts.factories import UserFactory

from .models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "test.event"
    title = factory.Sequence(lambda n: f"Melding {n}")
    url = "/"

    class Params:
        read = factory.Trait(read_at=factory.LazyFunction(timezone.now))
        emailed = factory.Trait(emailed_at=factory.LazyFunction(timezone.now))
