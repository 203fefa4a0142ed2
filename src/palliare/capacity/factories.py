"""Test data for capacity, with traits for the states that matter: a facility with a free bed,
full, stale, closed; a district-nursing service that takes clients and meets the requirements."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import LocationFactory, OrganizationFactory

from .constants import AdmissionStatus, Channel, FacilityKind, IntakeStatus
from .models import (
    BedStatus,
    DistrictNursingService,
    Facility,
    IntakeStatusChange,
    QualityAssessment,
    QualityAssessmentItem,
    QualityRequirement,
)
from .quality import default_valid_until


def report(
    facility: Facility,
    *,
    free_beds: int,
    beds: int | None = None,
    admission_status: str = AdmissionStatus.OPEN,
    waiting_list: int = 0,
    at: dt.datetime | None = None,
    note: str = "",
) -> BedStatus:
    """A bed report written directly (tests of reads); services are tested on their own."""
    current = facility.current_status
    status = BedStatus.objects.create(
        facility=facility,
        beds=beds if beds is not None else (current.beds if current else 6),
        free_beds=free_beds,
        admission_status=admission_status,
        waiting_list=waiting_list,
        note=note,
        recorded_at=at or timezone.now(),
        recorded_by_name="Test",
        channel=Channel.WEB,
    )
    facility.current_status = status
    facility.save(update_fields=["current_status"])
    return status


class BedStatusFactory(factory.django.DjangoModelFactory):
    """A bed report that becomes its facility's current status."""

    class Meta:
        model = BedStatus

    facility = factory.SubFactory("palliare.capacity.factories.FacilityFactory", reported=False)
    beds = 6
    free_beds = 2
    admission_status = AdmissionStatus.OPEN
    waiting_list = 0
    recorded_at = factory.LazyFunction(timezone.now)
    recorded_by_name = "Test"
    channel = Channel.WEB

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        status = super()._create(model_class, *args, **kwargs)
        facility = status.facility
        facility.current_status = status
        facility.save(update_fields=["current_status"])
        return status


class FacilityFactory(factory.django.DjangoModelFactory):
    """A hospice with one bed report an hour ago: ``FacilityFactory(free=0)``,
    ``FacilityFactory(stale=True)``, ``FacilityFactory(never_reported=True)``."""

    class Meta:
        model = Facility
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory, hospice=True)
    location = factory.LazyAttribute(lambda o: LocationFactory(organization=o.organization))
    kind = FacilityKind.HOSPICE

    class Params:
        reported = True
        free = 2
        beds = 6
        hours_ago = 1.0
        admission_status = AdmissionStatus.OPEN
        never_reported = factory.Trait(reported=False)
        full = factory.Trait(free=0)
        stale = factory.Trait(hours_ago=30.0)
        closed = factory.Trait(admission_status=AdmissionStatus.CLOSED, free=0)

    status = factory.Maybe(
        "reported",
        yes_declaration=factory.RelatedFactory(
            BedStatusFactory,
            factory_related_name="facility",
            free_beds=factory.SelfAttribute("..free"),
            beds=factory.SelfAttribute("..beds"),
            admission_status=factory.SelfAttribute("..admission_status"),
            recorded_at=factory.LazyAttribute(
                lambda o: timezone.now() - dt.timedelta(hours=o.factory_parent.hours_ago)
            ),
        ),
    )


class QualityRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualityRequirement
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"req-{n}")
    title = factory.Sequence(lambda n: f"Eis {n}")
    order = factory.Sequence(lambda n: n)


class DistrictNursingServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DistrictNursingService
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory, type=OrganizationType.DISTRICT_NURSING)

    class Params:
        taking_clients = factory.Trait(
            intake=factory.RelatedFactory(
                "palliare.capacity.factories.IntakeFactory",
                factory_related_name="service",
                status=IntakeStatus.YES,
            )
        )
        qualified = factory.Trait(
            assessment=factory.RelatedFactory(
                "palliare.capacity.factories.AssessmentFactory",
                factory_related_name="service",
                all_met=True,
            )
        )


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeStatusChange

    service = factory.SubFactory(DistrictNursingServiceFactory)
    status = IntakeStatus.YES
    channel = Channel.WEB

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        change = super()._create(model_class, *args, **kwargs)
        service = change.service
        service.current_intake = change
        service.save(update_fields=["current_intake"])
        return change


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment answering every requirement in use (met when ``all_met``)."""

    class Meta:
        model = QualityAssessment

    service = factory.SubFactory(DistrictNursingServiceFactory)
    assessed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    valid_until = factory.LazyAttribute(lambda o: default_valid_until(o.assessed_on))
    assessor = "Visitatieteam"
    all_met = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        all_met = kwargs.pop("all_met", True)
        assessment = super()._create(model_class, *args, **kwargs)
        requirements = list(QualityRequirement.objects.filter(is_active=True))
        if not requirements:
            requirements = [QualityRequirementFactory()]
        for requirement in requirements:
            QualityAssessmentItem.objects.create(
                assessment=assessment,
                requirement=requirement,
                requirement_title=requirement.title,
                met=all_met,
                evidence="Gezien" if all_met else "",
            )
        return assessment
