"""The care-plan demo loader gives the demo GP practice two fictional patients with a plan
(one shared with acute care, one not) and is idempotent."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command

from palliare.careplans import demo as careplans_demo
from palliare.careplans.models import CarePlan
from palliare.organizations import demo as organizations_demo
from palliare.patients.constants import ConsentScope
from palliare.patients.models import Consent

pytestmark = pytest.mark.django_db


def test_demo_plans_load_once(settings):
    settings.DEMO_MODE = True
    call_command("import_reference_data", verbosity=0)
    organizations_demo.load(random.Random(1))
    assert "2 demo patients" in careplans_demo.load(random.Random(1))
    assert CarePlan.objects.filter(current_number=1).count() == 2
    assert Consent.objects.filter(scope=ConsentScope.ACUTE_CARE).count() == 1
    assert "0 demo patients" in careplans_demo.load(random.Random(1))
