"""The quality status of a district-nursing service is computed from dates: the latest
assessment counts, is valid for two years by default and expires on its own; every requirement in
use must be met; a requirement added later is not met until assessed. Recording an assessment
demands an answer and evidence for every requirement in use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.capacity.constants import QualityStatus
from palliare.capacity.factories import (
    AssessmentFactory,
    DistrictNursingServiceFactory,
    QualityRequirementFactory,
)
from palliare.capacity.models import DistrictNursingService, QualityRequirement
from palliare.capacity.quality import (
    ItemInput,
    add_months,
    default_valid_until,
    quality_of,
    record_assessment,
    save_requirement,
    status_from,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_add_months_handles_month_ends_and_leap_years():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 2, 29), 24) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2025, 11, 15), 2) == dt.date(2026, 1, 15)


def test_default_validity_is_two_years():
    assert default_valid_until(dt.date(2025, 3, 10)) == dt.date(2027, 3, 9)


def test_status_from_dates():
    day = dt.date(2026, 6, 1)
    assert status_from(assessed_on=None, valid_until=None, met=0, active=3, today=day) == (
        QualityStatus.NOT_ASSESSED
    )
    kwargs = {"assessed_on": dt.date(2025, 1, 1), "valid_until": dt.date(2026, 12, 31)}
    assert status_from(**kwargs, met=3, active=3, today=day) == QualityStatus.MEETS
    assert status_from(**kwargs, met=2, active=3, today=day) == QualityStatus.NOT_MET
    assert status_from(**kwargs, met=3, active=3, today=dt.date(2027, 1, 1)) == (
        QualityStatus.EXPIRED
    )


def test_assessment_expires_without_any_job():
    QualityRequirementFactory.create_batch(2)
    service = DistrictNursingServiceFactory()
    assessment = AssessmentFactory(service=service, assessed_on=dt.date(2024, 3, 1))
    on_last_day = assessment.valid_until
    assert quality_of(service, on_last_day).status == QualityStatus.MEETS
    assert quality_of(service, on_last_day + dt.timedelta(days=1)).status == QualityStatus.EXPIRED
    # The query set agrees with the page.
    assert DistrictNursingService.objects.qualified(on_last_day).filter(pk=service.pk).exists()
    assert not (
        DistrictNursingService.objects.qualified(on_last_day + dt.timedelta(days=1))
        .filter(pk=service.pk)
        .exists()
    )


def test_latest_assessment_counts_even_when_worse():
    QualityRequirementFactory()
    service = DistrictNursingServiceFactory()
    today = timezone.localdate()
    AssessmentFactory(service=service, assessed_on=today - dt.timedelta(days=300))
    AssessmentFactory(service=service, assessed_on=today - dt.timedelta(days=10), all_met=False)
    assert quality_of(service).status == QualityStatus.NOT_MET
    assert not DistrictNursingService.objects.qualified().filter(pk=service.pk).exists()


def test_new_requirement_is_not_met_until_assessed():
    QualityRequirementFactory()
    service = DistrictNursingServiceFactory(qualified=True)
    assert quality_of(service).status == QualityStatus.MEETS
    new = QualityRequirementFactory(title="Nieuwe eis")
    view = quality_of(service)
    assert view.status == QualityStatus.NOT_MET
    assert view.missing == ("Nieuwe eis",)
    assert not DistrictNursingService.objects.qualified().filter(pk=service.pk).exists()
    # Retiring the requirement restores the status.
    new.is_active = False
    new.save()
    assert DistrictNursingService.objects.qualified().filter(pk=service.pk).exists()


def test_expires_soon_is_flagged():
    QualityRequirementFactory()
    service = DistrictNursingServiceFactory()
    today = timezone.localdate()
    AssessmentFactory(
        service=service,
        assessed_on=today - dt.timedelta(days=700),
        valid_until=today + dt.timedelta(days=20),
    )
    assert quality_of(service).expires_soon


def _items(requirements, met=True, evidence="Register ingezien"):
    return [ItemInput(r, met, evidence) for r in requirements]


def test_record_assessment(make_actor):
    coordinator = make_actor(RoleCode.NETWORK_COORDINATOR)
    requirements = QualityRequirementFactory.create_batch(3)
    service = DistrictNursingServiceFactory()
    assessment = record_assessment(
        service,
        actor=coordinator,
        assessed_on=timezone.localdate(),
        assessor="Visitatieteam",
        items=_items(requirements),
    )
    assert assessment.valid_until == default_valid_until(assessment.assessed_on)
    assert assessment.items.count() == 3
    assert quality_of(service).status == QualityStatus.MEETS
    event = AuditEvent.objects.get(event_type="capacity.assessment_recorded")
    assert event.details["met"] == 3


def test_record_assessment_bad_input(make_actor):
    coordinator = make_actor(RoleCode.NETWORK_COORDINATOR)
    requirements = QualityRequirementFactory.create_batch(2)
    service = DistrictNursingServiceFactory()
    today = timezone.localdate()
    cases = [
        ({"assessed_on": today + dt.timedelta(days=1), "items": _items(requirements)}, "future"),
        ({"assessed_on": today, "items": _items(requirements[:1])}, "missing"),
        ({"assessed_on": today, "items": _items(requirements, evidence=" ")}, "evidence"),
        (
            {"assessed_on": today, "items": _items(requirements), "valid_until": today},
            "after the assessment",
        ),
    ]
    for kwargs, expected in cases:
        with pytest.raises(ValidationError, match=expected):
            record_assessment(service, actor=coordinator, assessor="X", **kwargs)
    assert service.assessments.count() == 0
    with pytest.raises(PermissionDenied):
        record_assessment(
            service,
            actor=make_actor(RoleCode.GP),
            assessor="X",
            assessed_on=today,
            items=_items(requirements),
        )


def test_requirements_are_maintained_by_the_coordinator(make_actor):
    coordinator = make_actor(RoleCode.NETWORK_COORDINATOR)
    requirement = save_requirement(
        QualityRequirement(code="scholing", title="Scholing"), actor=coordinator
    )
    requirement.is_active = False
    save_requirement(requirement, actor=coordinator)
    assert AuditEvent.objects.filter(event_type__startswith="capacity.requirement_").count() == 2
    with pytest.raises(PermissionDenied):
        save_requirement(requirement, actor=make_actor(RoleCode.DISTRICT_NURSE))
    with pytest.raises(ValidationError):
        save_requirement(QualityRequirement(code="scholing", title="Dubbel"), actor=coordinator)
