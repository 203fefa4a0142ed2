"""The demo loader builds the core team of De Lindehoeve with the demo accounts, a held meeting
with minutes and action items and an upcoming one with its agenda — once, however often it runs."""

from __future__ import annotations

import random

import pytest

from palliare.meetings import demo
from palliare.meetings.models import ActionItem, CoreTeam, Meeting, MinutesVersion
from palliare.organizations import demo as directory_demo
from palliare.organizations.factories import PostcodeAreaFactory

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent():
    assert "skipped" in demo.load(random.Random(1))
    for spec in directory_demo.ORGANIZATIONS:  # the postcode areas the directory refers to
        PostcodeAreaFactory(pc4=spec.postcode[:4])
    directory_demo.load(random.Random(1))
    demo.load(random.Random(1))
    team = CoreTeam.objects.get(name=demo.TEAM)
    assert team.coordinator.user.username == "kernteam"
    usernames = set(
        team.members.filter(professional__isnull=False).values_list(
            "professional__user__username", flat=True
        )
    )
    assert usernames == {"huisarts", "poh", "wijkverpleging", "specialistpz"}
    held, upcoming = Meeting.objects.filter(core_team=team).order_by("starts_at")
    assert held.status == "held" and upcoming.status == "planned"
    assert upcoming.agenda_items.exists() and upcoming.agenda_prepared_at
    assert MinutesVersion.objects.filter(agenda_item__meeting=held).exists()
    assert MinutesVersion.objects.filter(agenda_item__meeting=held, review_lessons__gt="").exists()
    actions = ActionItem.objects.filter(meeting=held)
    assert actions.open().overdue().exists() and actions.done().exists()
    assert held.attendees.filter(mode="remote", professional__user__username="specialistpz")
    counts = (Meeting.objects.count(), ActionItem.objects.count(), MinutesVersion.objects.count())
    demo.load(random.Random(2))
    assert counts == (
        Meeting.objects.count(),
        ActionItem.objects.count(),
        MinutesVersion.objects.count(),
    )


def test_demo_uses_the_register_demo_patients():
    from palliare.patients import demo as register_demo
    from palliare.patients.models import Patient

    for spec in directory_demo.ORGANIZATIONS:
        PostcodeAreaFactory(pc4=spec.postcode[:4])
    directory_demo.load(random.Random(1))
    register_demo.load(random.Random(1))
    before = Patient.objects.filter(gp_practice__name=demo.PRACTICE).count()
    demo.load(random.Random(1))
    assert Patient.objects.filter(gp_practice__name=demo.PRACTICE).count() == before
    held = Meeting.objects.get(status="held")
    assert held.agenda_items.filter(section="deceased").exists()
    assert MinutesVersion.objects.filter(agenda_item__meeting=held, review_lessons__gt="").exists()
    nurse_action = ActionItem.objects.get(owner__user__username="wijkverpleging")
    assert nurse_action.done_at is None
    upcoming = Meeting.objects.get(status="planned")
    assert upcoming.agenda_items.exists()
