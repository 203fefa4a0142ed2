"""The new-version notifications are made all at once or not at all: a run that fails halfway
leaves nothing behind, so the retry still tells everyone; a second run after success tells no
one twice. Acute care is never among them (decision 0011)."""

from __future__ import annotations

import pytest

from palliare.accounts.permissions import RoleCode
from palliare.careplans import recipients, tasks
from palliare.careplans.factories import CarePlanFactory
from palliare.notifications import services as notification_services
from palliare.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_failed_run_leaves_no_notifications_and_the_retry_makes_them_all(make_actor, monkeypatch):
    plan = CarePlanFactory()
    version = plan.current_version
    member = make_actor(RoleCode.DISTRICT_NURSE).user
    colleague = make_actor(RoleCode.GP).user
    monkeypatch.setattr(recipients, "care_team", lambda patient: [member, colleague])
    real_notify = notification_services.notify

    def fails_after_writing(*args, **kwargs):
        real_notify(*args, **kwargs)
        raise ConnectionError("the e-mail queue could not be reached")

    monkeypatch.setattr(notification_services, "notify", fails_after_writing)
    with pytest.raises(ConnectionError):
        tasks.notify_new_version.call(version.pk)
    assert not Notification.objects.exists()

    monkeypatch.setattr(notification_services, "notify", real_notify)
    assert tasks.notify_new_version.call(version.pk) == 2
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {
        member.pk,
        colleague.pk,
    }
    assert tasks.notify_new_version.call(version.pk) == 0
    assert Notification.objects.count() == 2
