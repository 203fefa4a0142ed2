"""The demo loaders of training and engagement are idempotent and leave a full session with a
waiting list, campaign evenings across municipalities (some without one), a sent edition and
the public pages."""

from __future__ import annotations

import random

import pytest

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.engagement import demo as engagement_demo
from palliare.engagement.constants import EditionStatus, EventKind
from palliare.engagement.models import Edition, Event, PublicPage
from palliare.organizations.factories import (
    MembershipFactory,
    MunicipalityFactory,
    PostcodeAreaFactory,
)
from palliare.training import demo as training_demo
from palliare.training.constants import RegistrationStatus
from palliare.training.models import Registration

pytestmark = pytest.mark.django_db


def test_demo_loads_training_and_engagement():
    for n in range(6):
        PostcodeAreaFactory(pc4=f"94{n:02d}", municipality=MunicipalityFactory())
    for _ in range(10):
        m = MembershipFactory(role=role(RoleCode.DISTRICT_NURSE))
        m.professional.is_demo = True
        m.professional.save()
    rng = random.Random(1)
    assert "sessions" in training_demo.load(rng)
    assert "events" in engagement_demo.load(rng)
    assert Registration.objects.filter(status=RegistrationStatus.WAITING).count() == 2
    campaign = Event.objects.filter(kind=EventKind.DOOD_UIT_DE_POT)
    assert campaign.values("municipality").distinct().count() >= 3
    assert Edition.objects.filter(status=EditionStatus.SENT).count() == 1
    assert PublicPage.objects.count() == 4
    assert "already" in engagement_demo.load(rng)
    assert "already" in training_demo.load(rng)
