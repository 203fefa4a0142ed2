"""Services of deliveries: data sets are versioned; a re-delivery is a new version and nothing
is overwritten; the review is a guarded state machine with notifications; completeness per
organisation and period; reminders once each; ``accepted_values`` for monitoring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from palliare.audit.models import AuditEvent
from palliare.deliveries import periods, services
from palliare.deliveries.constants import Completeness, DeliveryStatus, ValueType
from palliare.deliveries.factories import DataElementFactory, DataSetFactory, DeliveryFactory
from palliare.deliveries.models import (
    DataElement,
    DataSet,
    DeliveryReminder,
    DeliveryValue,
    InvalidTransition,
)
from palliare.deliveries.schema import RuleSpec
from palliare.notifications.models import Notification
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory

from .conftest import GOOD, fill_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def _deliver(controller, data_set, period, values=GOOD, **kwargs):
    data = fill_xlsx(services.template_file(controller, data_set, period), values)
    report = services.deliver_file(controller, data_set, period, data, file_name="a.xlsx", **kwargs)
    assert report.ok, report.errors
    return report.delivery


def test_changing_a_data_set_publishes_a_new_version(coordinator):
    a = DataElementFactory(code="a")
    b = DataElementFactory(code="b")
    data_set = DataSet(
        code="new_set",
        name_nl="Nieuw",
        name_en="New",
        organization_type=OrganizationType.HOSPICE,
        period_type="year",
    )
    v1 = services.publish_data_set(
        coordinator, data_set, selections=[services.Selection(a)], rules=[], deadline_days=30
    )
    assert v1.number == 1 and v1.spec.codes == ["a"]
    data_set.name_nl = "Nieuwe naam"
    same = services.publish_data_set(
        coordinator, data_set, selections=[services.Selection(a)], rules=[], deadline_days=30
    )
    assert same is None  # only the name changed
    v2 = services.publish_data_set(
        coordinator,
        data_set,
        selections=[services.Selection(a), services.Selection(b, required=False)],
        rules=[RuleSpec("b", "<=", "a")],
        deadline_days=30,
        note="b erbij",
    )
    assert v2.number == 2 and [e.required for e in v2.spec.elements] == [True, False]
    v1.refresh_from_db()
    assert v1.spec.codes == ["a"]  # the old version is unchanged
    assert AuditEvent.objects.filter(event_type="deliveries.data_set_saved").count() == 3


def test_a_data_set_version_copies_the_element(coordinator, data_set):
    element = DataElement.objects.get(code="consultations")
    element.name_nl = "Andere naam"
    services.save_element(coordinator, element)
    assert data_set.current_version().spec.element("consultations").name_nl == (
        "Consulten palliatief team"
    )


def test_only_the_coordinator_maintains_data_sets(controller, reviewer):
    for actor in (controller, reviewer):
        with pytest.raises(PermissionDenied):
            services.save_element(actor, DataElement(code="x", name_nl="x", name_en="x"))


def test_rules_must_name_chosen_elements(coordinator, data_set):
    a = DataElement.objects.get(code="consultations")
    with pytest.raises(ValidationError):
        services.publish_data_set(
            coordinator,
            data_set,
            selections=[services.Selection(a)],
            rules=[RuleSpec("consultations_with_plan", "<=", "consultations")],
            deadline_days=42,
        )


def test_a_re_delivery_is_a_new_version_and_nothing_is_overwritten(controller, data_set, period):
    first = _deliver(controller, data_set, period)
    second = _deliver(controller, data_set, period, {**GOOD, "consultations": 20})
    first.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert first.status == DeliveryStatus.SUPERSEDED
    assert first.values.get(element_code="consultations").value == 12
    assert second.values.get(element_code="consultations").value == 20
    with pytest.raises(ValueError, match="figures do not"):
        first.save()  # figures never change
    with pytest.raises(RuntimeError, match="cannot be removed"):
        first.values.first().delete()


def test_review_state_machine_and_notifications(
    controller, reviewer, data_set, period, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _deliver(controller, data_set, period)
    assert Notification.objects.filter(
        recipient=reviewer.user, kind="deliveries.submitted"
    ).exists()
    with pytest.raises(ValidationError):
        services.review_delivery(reviewer, delivery, accept=False, comment="  ")
    with pytest.raises(PermissionDenied):
        services.review_delivery(controller, delivery, accept=True)
    returned = services.review_delivery(
        reviewer, delivery, accept=False, comment="Het aantal lijkt hoog."
    )
    assert returned.status == DeliveryStatus.RETURNED
    note = Notification.objects.get(recipient=controller.user, kind="deliveries.reviewed")
    assert "teruggestuurd" in note.title
    with pytest.raises(ValidationError):
        services.review_delivery(reviewer, returned, accept=True)
    with pytest.raises(InvalidTransition):
        returned.transition_to(DeliveryStatus.ACCEPTED)
    corrected = _deliver(controller, data_set, period, {**GOOD, "consultations": 11})
    returned.refresh_from_db()
    assert returned.status == DeliveryStatus.RETURNED  # stays returned, with its comment
    accepted = services.review_delivery(reviewer, corrected, accept=True)
    assert accepted.status == DeliveryStatus.ACCEPTED
    assert AuditEvent.objects.filter(event_type="deliveries.accepted").count() == 1


def test_accepted_values_takes_the_latest_accepted_version(controller, reviewer, data_set, period):
    other = OrganizationFactory(type=OrganizationType.HOSPITAL)
    first = _deliver(controller, data_set, period)
    services.review_delivery(reviewer, first, accept=True)
    newer = _deliver(controller, data_set, period, {**GOOD, "consultations": 30})
    DeliveryFactory(
        data_set=data_set,
        organization=other,
        period_start=period.start,
        status=DeliveryStatus.ACCEPTED,
        values={"consultations": 7, "consultations_with_plan": 1},
    )
    DeliveryFactory(
        data_set=data_set,
        organization=OrganizationFactory(type=OrganizationType.HOSPITAL),
        period_start=period.start,
        status=DeliveryStatus.RETURNED,
    )
    values = services.accepted_values("consultations", period.start, period.end)
    assert values == {controller.organization_id: Decimal(12), other.pk: Decimal(7)}
    services.review_delivery(reviewer, newer, accept=True)
    assert services.accepted_values("consultations", period.start, period.end)[
        controller.organization_id
    ] == Decimal(30)


def test_accepted_values_adds_quarters_up_to_a_year_only_for_additive_elements(data_set):
    org = OrganizationFactory(type=OrganizationType.HOSPITAL)
    for quarter, count in ((1, 10), (2, 20), (3, 5)):
        DeliveryFactory(
            data_set=data_set,
            organization=org,
            period_start=periods.quarter(2024, quarter).start,
            status=DeliveryStatus.ACCEPTED,
            values={"consultations": count, "share_trained": 50},
        )
    year = periods.year(2024)
    assert services.accepted_values("consultations", year.start, year.end) == {org.pk: 35}
    q2 = periods.quarter(2024, 2)
    assert services.accepted_values("consultations", q2.start, q2.end) == {org.pk: 20}
    assert services.accepted_values("share_trained", q2.start, q2.end) == {org.pk: 50}
    with pytest.raises(ValueError, match="not additive"):
        services.accepted_values("share_trained", year.start, year.end)
    assert services.accepted_values("unknown", year.start, year.end) == {}


def test_completeness_per_organisation_and_period(controller, reviewer, data_set, hospital):
    today = dt.date(2026, 5, 1)
    q4, q1, q2 = periods.quarter(2025, 4), periods.quarter(2026, 1), periods.quarter(2026, 2)
    q3 = periods.quarter(2025, 3)
    silent = OrganizationFactory(type=OrganizationType.HOSPITAL, name="Aaa ziekenhuis")
    OrganizationFactory(type=OrganizationType.HOSPICE)  # another type: not in the matrix
    DeliveryFactory(
        data_set=data_set,
        organization=hospital,
        period_start=q3.start,
        status=DeliveryStatus.ACCEPTED,
    )
    DeliveryFactory(
        data_set=data_set,
        organization=hospital,
        period_start=q4.start,
        status=DeliveryStatus.RETURNED,
    )
    matrix = services.completeness(data_set, [q3, q4, q1, q2], today=today)
    states = {org.name: [c.state for c in cells] for org, cells in matrix.rows}
    assert states == {
        "Aaa ziekenhuis": [
            Completeness.LATE,
            Completeness.LATE,
            Completeness.DUE,
            Completeness.NOT_DUE,
        ],
        "Ziekenhuis Testoord": [
            Completeness.ACCEPTED,
            Completeness.RETURNED,
            Completeness.DUE,
            Completeness.NOT_DUE,
        ],
    }
    assert silent.pk in {org.pk for org, _cells in matrix.rows}
    data_set.first_period_start = q4.start
    data_set.save()
    matrix = services.completeness(data_set, [q3, q4], today=today)
    states = {org.name: [c.state for c in cells] for org, cells in matrix.rows}
    assert states["Aaa ziekenhuis"] == [Completeness.NOT_ASKED, Completeness.LATE]
    assert states["Ziekenhuis Testoord"][0] == Completeness.ACCEPTED  # delivered anyway: shown


def test_completeness_runs_a_fixed_number_of_queries(django_assert_max_num_queries, data_set):
    quarters = [periods.quarter(2025, n) for n in (1, 2, 3, 4)]
    for _ in range(3):
        org = OrganizationFactory(type=OrganizationType.HOSPITAL)
        for q in quarters:
            DeliveryFactory(data_set=data_set, organization=org, period_start=q.start)
    with django_assert_max_num_queries(3):
        services.completeness(data_set, quarters, today=dt.date(2026, 6, 1))
    for _ in range(6):
        org = OrganizationFactory(type=OrganizationType.HOSPITAL)
        for q in quarters:
            DeliveryFactory(data_set=data_set, organization=org, period_start=q.start)
    with django_assert_max_num_queries(3):
        services.completeness(data_set, quarters, today=dt.date(2026, 6, 1))


def test_reminders_before_and_after_the_deadline_once_each(controller, data_set, hospital):
    from palliare.deliveries import tasks

    delivered = OrganizationFactory(type=OrganizationType.HOSPITAL)
    q1 = periods.quarter(2026, 1)
    DeliveryFactory(data_set=data_set, organization=delivered, period_start=q1.start)
    deadline = q1.deadline(42)  # 12 May 2026
    assert services.reminders_due(deadline - dt.timedelta(days=10)) == []
    before = deadline - dt.timedelta(days=3)
    due = services.reminders_due(before)
    assert [(d.organization_id, d.kind) for d in due] == [(hospital.pk, "before")]
    assert tasks.send_delivery_reminders.call(before.isoformat()) == 1
    assert tasks.send_delivery_reminders.call(before.isoformat()) == 0  # idempotent
    note = Notification.objects.get(recipient=controller.user, kind="deliveries.reminder")
    assert "12 mei 2026" in note.title and "2026-K1" in note.title
    after = deadline + dt.timedelta(days=1)
    assert tasks.send_delivery_reminders.call(after.isoformat()) == 1
    assert tasks.send_delivery_reminders.call(after.isoformat()) == 0
    assert DeliveryReminder.objects.count() == 2


def test_value_types_are_stored_exactly(coordinator, controller, hospital, period):
    element = DataElementFactory(code="ratio", value_type=ValueType.DECIMAL)
    data_set = DataSetFactory(code="decimals", version=False)
    services.publish_data_set(
        coordinator,
        data_set,
        selections=[services.Selection(element)],
        rules=[],
        deadline_days=42,
    )
    _deliver(controller, data_set, period, {"ratio": "2,125"})
    assert DeliveryValue.objects.get(element_code="ratio").value == Decimal("2.125")
