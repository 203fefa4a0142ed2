"""Append-only is structural (issue 19 item 14): every model whose docstring calls it
append-only uses ``palliare.db.append_only.AppendOnlyModel``, and every such model refuses a
changed row, a removed row, a queryset ``update()`` (but for its declared mutable fields) and a
queryset ``delete()``, through every manager it has. The refusal is an ``AppendOnlyError``, which
is also the ``ValueError``, ``TypeError`` and ``RuntimeError`` the older guards raised."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import models

from palliare.db.append_only import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet

#: Models whose docstring mentions "append-only" without being append-only themselves.
NOT_APPEND_ONLY = {
    "monitoring.KpiDefinition": "the KPI's identity; its append-only versions are KpiVersion",
    "programme.Deliverable": "the deliverable's identity; its text is in DeliverableVersion",
}

DOCUMENTED = re.compile(r"\bappend-only\b", re.IGNORECASE)


def project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("palliare.")]


def append_only_models() -> list[type[AppendOnlyModel]]:
    return [m for m in project_models() if issubclass(m, AppendOnlyModel)]


def test_every_model_documented_as_append_only_uses_the_base():
    documented = {
        m._meta.label for m in project_models() if DOCUMENTED.search(m.__doc__ or "")
    } - set(NOT_APPEND_ONLY)
    without_base = sorted(
        label for label in documented if not issubclass(apps.get_model(label), AppendOnlyModel)
    )
    assert without_base == []
    # The known history models, so that the walk above cannot pass by finding nothing.
    for label in (
        "audit.AuditEvent",
        "careplans.CarePlanVersion",
        "patients.CareContactVersion",
        "patients.UrgencyAssessment",
        "patients.PatientRevision",
        "meetings.MinutesVersion",
        "meetings.ActionItemEvent",
        "consultations.ConsultationAdvice",
        "acute.EmergencyAccessReview",
        "referrals.ReferralEvent",
        "referrals.ReferralFeedback",
        "deliveries.Delivery",
        "capacity.QualityAssessmentItem",
    ):
        assert label in documented, label


def test_every_append_only_model_says_so_in_its_docstring():
    undocumented = sorted(
        m._meta.label
        for m in append_only_models()
        if not DOCUMENTED.search(m.__doc__ or "") and not _says_never_changed(m)
    )
    assert undocumented == []


def _says_never_changed(model: type[models.Model]) -> bool:
    text = " ".join((model.__doc__ or "").split()).lower()
    # The programme's and monitoring's versions say it in words.
    return "never changed" in text


def test_the_error_is_the_old_guards_value_and_type_error():
    assert issubclass(AppendOnlyError, ValueError)
    assert issubclass(AppendOnlyError, TypeError)
    assert issubclass(AppendOnlyError, RuntimeError)


@pytest.mark.parametrize("model", append_only_models(), ids=lambda m: m._meta.label)
def test_rows_and_querysets_refuse_change_and_removal(model: type[AppendOnlyModel]) -> None:
    frozen = [
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in model.append_only_mutable_fields
    ]
    assert frozen, model
    row = model()
    row._state.adding = False  # as loaded from the database
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.save(update_fields=[frozen[0]])
    with pytest.raises(AppendOnlyError):
        row.delete()
    for manager in model._meta.managers:
        queryset = manager.all()
        assert isinstance(queryset, AppendOnlyQuerySet), (model, manager.name)
        with pytest.raises(AppendOnlyError):
            queryset.update(**{frozen[0]: None})
        with pytest.raises(AppendOnlyError):
            queryset.delete()
    # A mutable field may change only alone or with other mutable fields.
    if model.append_only_mutable_fields:
        mutable = sorted(model.append_only_mutable_fields)[0]
        with pytest.raises(AppendOnlyError):
            row.save(update_fields=[mutable, frozen[0]])
        with pytest.raises(AppendOnlyError):
            model._default_manager.update(**{mutable: None, frozen[0]: None})


@pytest.mark.django_db
def test_a_declared_mutable_field_may_change():
    """A delivery's review moves after the figures are in (its only mutable fields)."""
    from palliare.deliveries.models import Delivery

    assert Delivery.append_only_mutable_fields == {
        "status",
        "review_comment",
        "reviewed_at",
        "reviewed_by_name",
    }
    assert Delivery.objects.filter(pk=-1).update(review_comment="x") == 0
