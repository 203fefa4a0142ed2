"""The new-version notifications are made all at once or not at all: a run that fails halfway
(after the care team's, before the acute-care organisations') leaves nothing behind, so the
retry still tells everyone; a second run after success tells no one twice."""

from __future__ import annotations

import pytest

from palliare.accounts.permissions import RoleCode
from palliare.careplans import recipients, tasks
from palliare.careplans.factories import CarePlanFactory
from palliare.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_failed_run_leaves_no_notifications_and_the_retry_makes_them_all(make_actor, monkeypatch):
    plan = CarePlanFactory()
    version = plan.current_version
    member = make_actor(RoleCode.DISTRICT_NURSE).user
    acute_user = make_actor(RoleCode.OUT_OF_HOURS_GP).user
    monkeypatch.setattr(recipients, "care_team", lambda patient: [member])

    def unreachable(patient):
        raise ConnectionError("the region's organisations could not be read")

    monkeypatch.setattr(recipients, "acute_care", unreachable)
    with pytest.raises(ConnectionError):
        tasks.notify_new_version.call(version.pk)
    assert not Notification.objects.exists()

    monkeypatch.setattr(recipients, "acute_care", lambda patient: [acute_user])
    assert tasks.notify_new_version.call(version.pk) == 2
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {
        member.pk,
        acute_user.pk,
    }
    assert tasks.notify_new_version.call(version.pk) == 0
    assert Notification.objects.count() == 2
