"""The demo loader of capacity builds on the directory demo, is idempotent and leaves one
hospice stale and one district-nursing assessment expired to show those states."""

from __future__ import annotations

import random

import pytest

from palliare.capacity import demo as capacity_demo
from palliare.capacity.constants import QualityStatus
from palliare.capacity.models import BedStatus, DistrictNursingService, Facility
from palliare.capacity.quality import quality_of
from palliare.organizations import demo as directory_demo

pytestmark = pytest.mark.django_db


def test_demo_capacity_is_idempotent(settings):
    from palliare.organizations.factories import demo_postcode_areas

    demo_postcode_areas("7741")
    directory_demo.load(random.Random(1))
    summary = capacity_demo.load(random.Random(1))
    assert "6 facilities" in summary
    rows = BedStatus.objects.count()
    capacity_demo.load(random.Random(1))
    assert Facility.objects.count() == 6
    assert BedStatus.objects.count() == rows
    stale = [f for f in Facility.objects.select_related("current_status") if f.is_stale()]
    assert len(stale) >= 1
    statuses = {quality_of(s).status for s in DistrictNursingService.objects.all()}
    assert statuses == {QualityStatus.MEETS, QualityStatus.EXPIRED}
