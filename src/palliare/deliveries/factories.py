"""Test data for deliveries: elements, a data set with a published version, deliveries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory

from . import periods
from .constants import DeliveryStatus, PeriodType, ValueType
from .models import DataElement, DataSet, DataSetVersion, Delivery, DeliveryValue
from .schema import RuleSpec
from .services import Selection, definition_from


class DataElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataElement
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"element_{n}")
    name_nl = factory.LazyAttribute(lambda o: f"Aantal {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Number of {o.code}")
    value_type = ValueType.INTEGER
    unit = "aantal"


class DataSetFactory(factory.django.DjangoModelFactory):
    """A data set with version 1 published: by default a hospital's quarterly consultations
    (``consultations``, ``consultations_with_plan`` ≤ ``consultations``, optional ``note_days``).
    """

    class Meta:
        model = DataSet
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"set_{n}")
    name_nl = factory.LazyAttribute(lambda o: f"Gegevensset {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Data set {o.code}")
    organization_type = OrganizationType.HOSPITAL
    period_type = PeriodType.QUARTER

    @factory.post_generation
    def version(obj: DataSet, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or extracted is False or obj.versions.exists():
            return
        consultations = DataElementFactory(
            code="consultations", name_nl="Consulten palliatief team"
        )
        with_plan = DataElementFactory(
            code="consultations_with_plan", name_nl="Consulten met zorgplan"
        )
        share = DataElementFactory(
            code="share_trained",
            name_nl="Aandeel geschoold",
            value_type=ValueType.PERCENTAGE,
            unit="%",
        )
        has_team = DataElementFactory(
            code="has_team", name_nl="Heeft palliatief team", value_type=ValueType.YES_NO, unit=""
        )
        selections = [
            Selection(consultations),
            Selection(with_plan),
            Selection(share, required=False),
            Selection(has_team, required=False),
        ]
        definition = definition_from(
            selections, [RuleSpec("consultations_with_plan", "<=", "consultations")]
        )
        DataSetVersion.objects.create(
            data_set=obj,
            number=1,
            definition=definition.to_json(),
            deadline_days=kwargs.get("deadline_days", 42),
        )


class DeliveryFactory(factory.django.DjangoModelFactory):
    """A delivery of the default data set for the last complete quarter of 2025 (Q1), with
    values. ``values={"consultations": 10, ...}`` sets them."""

    class Meta:
        model = Delivery
        skip_postgeneration_save = True

    data_set = factory.SubFactory(DataSetFactory)
    version = factory.LazyAttribute(lambda o: o.data_set.current_version())
    organization = factory.SubFactory(OrganizationFactory, type=OrganizationType.HOSPITAL)
    period_start = dt.date(2025, 1, 1)
    period_end = factory.LazyAttribute(
        lambda o: periods.from_start(o.period_start, o.data_set.period_type).end  # type: ignore[union-attr]
    )
    number = factory.LazyAttribute(
        lambda o: (
            Delivery.objects.filter(
                data_set=o.data_set, organization=o.organization, period_start=o.period_start
            ).count()
            + 1
        )
    )
    status = DeliveryStatus.SUBMITTED
    deadline = factory.LazyAttribute(lambda o: o.period_end + dt.timedelta(days=42))
    submitted_by_name = "Test controller"

    @factory.post_generation
    def values(obj: Delivery, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        given = (
            extracted
            if extracted is not None
            else {"consultations": 10, "consultations_with_plan": 4}
        )
        DeliveryValue.objects.bulk_create(
            DeliveryValue(
                delivery=obj,
                element_code=code,
                value=None if value is None else Decimal(str(value)),
            )
            for code, value in given.items()
        )
