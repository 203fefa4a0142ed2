"""The network coordinator's overview of feedback on referrals: only the newest feedback per
referral counts; the figures (per plan quality, what was missing, per referring organisation, the
most recent feedback) are right for a small known data set and for none; only holders of
VIEW_REPORTS see it and it logs no patient access; and its number of queries does not grow with
the number of feedback rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.factories import PatientFactory
from palliare.referrals import services
from palliare.referrals.constants import MissingItem, PlanQuality, ReferralStatus
from palliare.referrals.models import Referral, ReferralFeedback

pytestmark = pytest.mark.django_db

URL = reverse("referrals:feedback_overview")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(make_actor):
    first = OrganizationFactory(type=OrganizationType.GP_PRACTICE, name="Huisartsen Aa")
    second = OrganizationFactory(type=OrganizationType.GP_PRACTICE, name="Huisartsen Bb")
    hospice = OrganizationFactory(type=OrganizationType.HOSPICE, name="Hospice Cc")
    return {
        "first": first,
        "second": second,
        "hospice": hospice,
        "patient": PatientFactory(gp_practice=first, family_name="Zwartkop"),
        "gp": make_actor(RoleCode.GP, organization=first),
        "receiver": make_actor(RoleCode.FACILITY_COORDINATOR, organization=hospice),
        "network": make_actor(RoleCode.NETWORK_COORDINATOR),
    }


def _referral(world, referrer) -> Referral:
    return Referral.objects.create(
        patient=world["patient"],
        receiving_organization=world["hospice"],
        referring_organization=referrer,
        referred_by=world["gp"].user,
        referred_by_name="dr. Test",
        urgency="planned",
        question="x",
        status=ReferralStatus.ADMITTED,
    )


def _feedback(world, referral, quality, missing=(), *, hours=0) -> ReferralFeedback:
    return ReferralFeedback.objects.create(
        referral=referral,
        plan_quality=quality,
        missing=[str(m) for m in missing],
        recorded_by=world["receiver"].user,
        recorded_by_name="Coördinator",
        recorded_at=T0 + dt.timedelta(hours=hours),
    )


def _labels(pairs):
    return {str(label): n for label, n in pairs}


def test_figures_of_a_known_data_set(world, client_for):
    a = _referral(world, world["first"])
    _feedback(world, a, PlanQuality.INSUFFICIENT, [MissingItem.MEDICATION, MissingItem.WISHES])
    newest_a = _feedback(world, a, PlanQuality.ADEQUATE, [MissingItem.WISHES], hours=5)
    b = _referral(world, world["first"])
    newest_b = _feedback(world, b, PlanQuality.GOOD, hours=1)
    c = _referral(world, world["second"])
    no_plan = [MissingItem.CARE_PLAN, MissingItem.TREATMENT_LIMITS]
    newest_c = _feedback(world, c, PlanQuality.NO_PLAN, no_plan, hours=3)
    _referral(world, world["second"])  # no feedback: not counted

    response = client_for(world["network"]).get(URL)

    assert response.status_code == 200
    ctx = response.context
    # The counts are small: they leave the database as "<5" (zeros stay visible).
    assert ctx["total"] == "<5"
    # In the order of PlanQuality: good, adequate, insufficient, no plan.
    assert [n for _label, n in ctx["quality"]] == ["<5", "<5", "0", "<5"]
    # Medication was missing only in feedback that a correction replaced.
    assert _labels(ctx["missing"]) == {
        str(MissingItem.CARE_PLAN.label): "<5",
        str(MissingItem.TREATMENT_LIMITS.label): "<5",
        str(MissingItem.WISHES.label): "<5",
    }
    assert ctx["by_referrer"] == [
        ("Huisartsen Aa", ["<5", "<5", "0", "0"]),
        ("Huisartsen Bb", ["0", "0", "0", "<5"]),
    ]
    assert services.feedback_summary().quality == {"good": 1, "adequate": 1, "no_plan": 1}
    assert list(ctx["recent"]) == [newest_a, newest_c, newest_b]
    html = response.content.decode()
    assert "Huisartsen Aa" in html and "Hospice Cc" in html
    assert "Zwartkop" not in html


def test_no_feedback(world, client_for):
    _referral(world, world["first"])
    response = client_for(world["network"]).get(URL)
    assert response.status_code == 200
    ctx = response.context
    assert ctx["total"] == "0"
    assert [n for _label, n in ctx["quality"]] == ["0", "0", "0", "0"]
    assert ctx["missing"] == []
    assert ctx["by_referrer"] == []
    assert list(ctx["recent"]) == []


def test_every_missing_item_is_counted_on_its_own(world):
    """Each code is counted by itself, also where one code's name is part of another's
    (``care_plan``/``caregiver_support``), and lists with every item count once per item."""
    every = _referral(world, world["first"])
    _feedback(world, every, PlanQuality.INSUFFICIENT, list(MissingItem))
    one = _referral(world, world["second"])
    _feedback(world, one, PlanQuality.ADEQUATE, [MissingItem.OTHER])
    summary = services.feedback_summary()
    assert summary.missing == dict.fromkeys(MissingItem.values, 1) | {"other": 2}


def test_of_feedback_recorded_at_the_same_moment_the_last_written_counts(world):
    referral = _referral(world, world["first"])
    _feedback(world, referral, PlanQuality.GOOD)
    last = _feedback(world, referral, PlanQuality.INSUFFICIENT, [MissingItem.TIMING])
    summary = services.feedback_summary()
    assert summary.total == 1
    assert summary.quality == {"insufficient": 1}
    assert summary.recent == [last]


def test_recent_lists_the_twenty_newest(world):
    referrals = [_referral(world, world["first"]) for _ in range(25)]
    for i, referral in enumerate(referrals):
        _feedback(world, referral, PlanQuality.GOOD, hours=i)
    summary = services.feedback_summary()
    assert summary.total == 25
    assert [f.referral_id for f in summary.recent] == [r.pk for r in referrals[::-1][:20]]


def test_large_counts_are_shown_and_a_lone_small_one_is_protected(world, client_for):
    for i in range(12):
        _feedback(world, _referral(world, world["first"]), PlanQuality.GOOD, hours=i)
    for i in range(3):
        _feedback(world, _referral(world, world["second"]), PlanQuality.GOOD, hours=i)
    for i in range(7):
        _feedback(world, _referral(world, world["second"]), PlanQuality.ADEQUATE, hours=i)
    ctx = client_for(world["network"]).get(URL).context
    assert ctx["total"] == "22"
    rows = dict(ctx["by_referrer"])
    assert rows["Huisartsen Bb"][0] == "<5"
    # The 3 cannot be worked out from the column total (15) and the other referrer's 12.
    assert rows["Huisartsen Aa"][0] == "•" or dict(ctx["quality"])[PlanQuality.GOOD.label] == "•"


def test_only_report_readers_see_it_and_no_patient_access_is_logged(world, client_for):
    _feedback(world, _referral(world, world["first"]), PlanQuality.GOOD)
    assert client_for(world["gp"]).get(URL).status_code == 403
    assert client_for(world["receiver"]).get(URL).status_code == 403
    before = AuditEvent.objects.filter(patient_id=world["patient"].pk).count()
    assert client_for(world["network"]).get(URL).status_code == 200
    assert AuditEvent.objects.filter(patient_id=world["patient"].pk).count() == before


def test_cost_does_not_grow_with_feedback(world, client_for):
    """The same number of queries for 3 and for 30 referrals with feedback (60 rows), and no
    more feedback rows loaded than the page lists."""
    client = client_for(world["network"])
    loaded: list[int] = []

    def count_loaded(sender, instance, **kwargs):
        loaded.append(instance.pk)

    def queries() -> int:
        client.get(URL)  # warm up session and caches
        loaded.clear()
        post_init.connect(count_loaded, sender=ReferralFeedback)
        try:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(URL).status_code == 200
        finally:
            post_init.disconnect(count_loaded, sender=ReferralFeedback)
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            referral = _referral(world, world["first"] if i % 2 else world["second"])
            _feedback(world, referral, PlanQuality.INSUFFICIENT, [MissingItem.WISHES])
            _feedback(world, referral, PlanQuality.ADEQUATE, [MissingItem.MEDICATION], hours=i)

    add(3)
    small = queries()
    assert len(loaded) == 3
    add(27)
    assert queries() == small
    assert len(loaded) == services.RECENT_FEEDBACK
    assert services.feedback_summary().total == 30
