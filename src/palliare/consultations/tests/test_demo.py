"""The demo rota: office hours per subregion and out of hours region-wide, with the one gap on
purpose (Hoogeveen, Friday afternoon), loaded idempotently; demo requests for the demo accounts."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from palliare.consultations import services
from palliare.consultations.models import ConsultationRequest, DatedSlot, WeeklySlot

pytestmark = pytest.mark.django_db


def test_demo_rota(settings):
    settings.DEMO_MODE = True
    from palliare.organizations.demo import ORGANIZATIONS
    from palliare.organizations.models import PostcodeArea

    for pc4 in {spec.postcode[:4] for spec in ORGANIZATIONS}:
        PostcodeArea.objects.create(pc4=pc4, latitude=53.0, longitude=6.56)
    call_command("load_demo")
    counts = (WeeklySlot.objects.count(), DatedSlot.objects.count())
    # The monitoring demo adds a fictional history of answered requests (2022 onwards).
    own = ConsultationRequest.objects.exclude(question="Historie (fictief)")
    requests = own.count()
    call_command("load_demo")
    assert (WeeklySlot.objects.count(), DatedSlot.objects.count()) == counts == (9, 1)
    assert own.count() == requests == 3
    assert ConsultationRequest.objects.filter(patient__isnull=False).count() == 1
    [region] = services.coverage(weeks=2)
    problems = {row.subregion.code: row.issues for row in region.subregions}
    assert {code for code, issues in problems.items() if issues} == {"hoogeveen"}
    assert all(issue.problem == "gap" for issue in problems["hoogeveen"])
