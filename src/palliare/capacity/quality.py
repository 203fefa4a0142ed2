"""The regional quality requirements for district nursing and dated assessments against them.

Whether a service meets the requirements is computed from dates whenever it is read: the latest
assessment up to today counts; it must still be valid today and record every requirement in use
as met. So an assessment expires on its own, without a scheduled job.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.accounts.actors import Actor
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose

from . import access
from .constants import DEFAULT_VALIDITY_MONTHS, EXPIRY_WARNING, QualityStatus
from .models import (
    DistrictNursingService,
    QualityAssessment,
    QualityAssessmentItem,
    QualityRequirement,
)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_valid_until(assessed_on: dt.date) -> dt.date:
    """Valid for two years: up to the day before the second anniversary."""
    return add_months(assessed_on, DEFAULT_VALIDITY_MONTHS) - dt.timedelta(days=1)


def status_of_annotated(service: Any, today: dt.date) -> QualityStatus:
    """The quality status of a service from ``DistrictNursingQuerySet.with_quality``."""
    return status_from(
        assessed_on=getattr(service, "latest_assessed_on", None),
        valid_until=getattr(service, "latest_valid_until", None),
        met=getattr(service, "requirements_met", 0),
        active=getattr(service, "requirements_active", 0),
        today=today,
    )


def status_from(
    *,
    assessed_on: dt.date | None,
    valid_until: dt.date | None,
    met: int,
    active: int,
    today: dt.date,
) -> QualityStatus:
    """The quality status from the annotations of ``DistrictNursingQuerySet.with_quality``."""
    if assessed_on is None or valid_until is None:
        return QualityStatus.NOT_ASSESSED
    if valid_until < today:
        return QualityStatus.EXPIRED
    return QualityStatus.MEETS if met >= active else QualityStatus.NOT_MET


@dataclass(frozen=True)
class QualityView:
    """A service's quality status today, with what a reader needs to judge it."""

    status: QualityStatus
    assessment: QualityAssessment | None
    missing: tuple[str, ...]  # requirements in use that the assessment did not record as met
    expires_soon: bool


def quality_of(service: DistrictNursingService, today: dt.date | None = None) -> QualityView:
    """The status of one service (for its detail page)."""
    day = today or timezone.localdate()
    assessment = (
        service.assessments.filter(assessed_on__lte=day)
        .order_by("-assessed_on", "-pk")
        .prefetch_related("items")
        .first()
    )
    active = list(QualityRequirement.objects.filter(is_active=True))
    if assessment is None:
        return QualityView(QualityStatus.NOT_ASSESSED, None, tuple(r.title for r in active), False)
    met_ids = {i.requirement_id for i in assessment.items.all() if i.met}
    missing = tuple(r.title for r in active if r.pk not in met_ids)
    status = status_from(
        assessed_on=assessment.assessed_on,
        valid_until=assessment.valid_until,
        met=len(active) - len(missing),
        active=len(active),
        today=day,
    )
    expires_soon = status == QualityStatus.MEETS and assessment.valid_until < day + EXPIRY_WARNING
    return QualityView(status, assessment, missing, expires_soon)


@transaction.atomic
def save_requirement(requirement: QualityRequirement, *, actor: Actor) -> QualityRequirement:
    """Add a requirement to the checklist or change its wording, order or use."""
    access.ensure_can_manage_quality(actor)
    created = requirement.pk is None
    requirement.full_clean()
    requirement.save()
    audit.record(
        "capacity.requirement_created" if created else "capacity.requirement_changed",
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        subject=requirement,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"code": requirement.code, "is_active": requirement.is_active},
    )
    return requirement


@dataclass(frozen=True)
class ItemInput:
    requirement: QualityRequirement
    met: bool
    evidence: str


@transaction.atomic
def record_assessment(
    service: DistrictNursingService,
    *,
    actor: Actor,
    assessed_on: dt.date,
    assessor: str,
    items: Sequence[ItemInput],
    valid_until: dt.date | None = None,
    note: str = "",
) -> QualityAssessment:
    """Record an assessment against the requirements in use, with the evidence per requirement.

    Every requirement in use must be answered; a requirement recorded as met needs evidence.
    """
    access.ensure_can_manage_quality(actor)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if assessed_on > today:
        errors.setdefault("assessed_on", []).append(
            _("The assessment date cannot lie in the future.")
        )
    until = valid_until or default_valid_until(assessed_on)
    if until <= assessed_on:
        errors.setdefault("valid_until", []).append(
            _("The end of validity must lie after the assessment date.")
        )
    active = {r.pk for r in QualityRequirement.objects.filter(is_active=True)}
    answered = {i.requirement.pk for i in items}
    if active - answered:
        errors.setdefault("__all__", []).append(
            _("Answer every requirement in use (%(count)s missing).")
            % {"count": len(active - answered)}
        )
    for item in items:
        if item.met and not item.evidence.strip():
            errors.setdefault("__all__", []).append(
                _("Describe the evidence for “%(requirement)s”.")
                % {"requirement": item.requirement.title}
            )
    if errors:
        raise ValidationError(errors)
    assessment = QualityAssessment(
        service=service,
        assessed_on=assessed_on,
        valid_until=until,
        assessor=assessor.strip(),
        note=note.strip(),
        recorded_by=actor.user,
        recorded_by_name=actor.audit_name[:200],
    )
    assessment.full_clean(exclude=["service", "recorded_by"])
    assessment.save()
    QualityAssessmentItem.objects.bulk_create(
        QualityAssessmentItem(
            assessment=assessment,
            requirement=i.requirement,
            requirement_title=i.requirement.title,
            met=i.met,
            evidence=i.evidence.strip(),
        )
        for i in items
    )
    audit.record(
        "capacity.assessment_recorded",
        actor=actor,
        action=AuditAction.CREATE,
        subject=assessment,
        purpose=AuditPurpose.ADMINISTRATION,
        details={
            "service_id": service.pk,
            "assessed_on": assessed_on.isoformat(),
            "valid_until": until.isoformat(),
            "met": sum(1 for i in items if i.met),
            "requirements": len(items),
        },
    )
    return assessment
