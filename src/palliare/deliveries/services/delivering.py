"""Delivering (the business controller): templates, a file or API values checked whole and
stored in one transaction or not at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.notifications.messages import message
from palliare.notifications.services import notify
from palliare.organizations.models import Organization

from .. import access, files, layout, periods
from ..constants import Channel, DeliveryStatus
from ..models import DataSet, DataSetVersion, Delivery, DeliveryValue
from ..schema import InputRow, RowError, check_values
from .recipients import users_with


def data_sets_for(organization: Organization | None) -> list[DataSet]:
    """The active data sets an organisation of this type delivers (with a published version)."""
    if organization is None:
        return []
    return list(
        DataSet.objects.filter(
            organization_type=organization.type, is_active=True, versions__isnull=False
        )
        .distinct()
        .prefetch_related("versions")
        .order_by("name_nl")
    )


def template_info(
    organization: Organization, data_set: DataSet, period: periods.Period
) -> layout.TemplateInfo:
    """What the template for this organisation, data set and period holds (current version)."""
    version = data_set.current_version()
    if version is None:
        raise ValidationError(_("This data set has no published version yet."))
    return layout.TemplateInfo(
        organization_id=organization.pk,
        organization_name=organization.name,
        data_set_code=data_set.code,
        data_set_name=data_set.name_nl,
        version=version.number,
        period=period,
        deadline=layout.deadline_text(period.deadline(version.deadline_days)),
        definition=version.spec,
    )


def template_file(
    actor: Actor, data_set: DataSet, period: periods.Period, *, file_format: str = "xlsx"
) -> bytes:
    """The template for the actor's own organisation (XLSX or CSV)."""
    organization = actor.organization
    if organization is None:
        raise PermissionDenied
    access.ensure_can_deliver_for(actor, organization.pk)
    _ensure_applies(organization, data_set)
    info = template_info(organization, data_set, period)
    audit.record(
        "deliveries.template_downloaded",
        actor=actor,
        action=AuditAction.READ,
        subject=data_set,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"period": period.label, "version": info.version, "format": file_format},
    )
    return layout.write_csv(info) if file_format == "csv" else layout.write_xlsx(info)


def _ensure_applies(organization: Organization, data_set: DataSet) -> None:
    if data_set.organization_type != organization.type or not data_set.is_active:
        raise PermissionDenied("This data set is not asked of this organisation.")


@dataclass
class DeliveryReport:
    """The outcome of a delivery attempt: the stored delivery, or the errors (nothing stored)."""

    errors: list[RowError] = field(default_factory=list)
    delivery: Delivery | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.delivery is not None


def _period_error(data_set: DataSet, period: periods.Period, today: dt.date) -> RowError | None:
    if period.type != data_set.period_type:
        return RowError(
            0,
            "",
            _("This data set is delivered per %(type)s.")
            % {"type": data_set.get_period_type_display().lower()},
        )
    if period.end >= today:
        return RowError(
            0,
            "",
            _("The period %(period)s is not over yet. Deliver after %(end)s.")
            % {"period": period.label, "end": layout.deadline_text(period.end)},
        )
    if not data_set.asks_for(period):
        first = periods.period_containing(data_set.first_period_start, data_set.period_type)
        return RowError(
            0,
            "",
            _("This data set is asked from %(first)s; %(period)s is not asked.")
            % {"first": first.label, "period": period.label},
        )
    return None


def deliver_file(
    actor: Actor,
    data_set: DataSet,
    period: periods.Period,
    data: bytes,
    *,
    file_name: str = "",
    today: dt.date | None = None,
) -> DeliveryReport:
    """Check an uploaded template for the actor's organisation, this data set and period, and
    store it when every row is valid. The template must be for this organisation, data set,
    period and the current version; nothing is stored when anything is wrong."""
    organization = actor.organization
    if organization is None:
        raise PermissionDenied
    access.ensure_can_deliver_for(actor, organization.pk)
    _ensure_applies(organization, data_set)
    day = today or timezone.localdate()
    if (problem := _period_error(data_set, period, day)) is not None:
        return DeliveryReport(errors=[problem])
    try:
        table = files.read(data, file_name)
    except files.FileProblem as exc:
        return DeliveryReport(errors=[RowError(0, "", str(exc))])
    parsed, errors = layout.read_template(table)
    if any(e.row == 0 for e in errors):
        return DeliveryReport(errors=errors)
    version = data_set.current_version()
    assert version is not None
    errors = _identity_errors(parsed, organization, data_set, version, period) + errors
    if any(e.row <= 6 for e in errors):  # the identification rows: values are not looked at
        return DeliveryReport(errors=errors)
    checked = check_values(version.spec, parsed.rows or [])
    errors = sorted(errors + checked.errors, key=lambda e: (e.row == 0, e.row))
    if errors:
        return DeliveryReport(errors=errors)
    delivery = _store(
        actor,
        organization,
        data_set,
        version,
        period,
        checked.values,
        channel=Channel.UPLOAD,
        file_name=file_name[:200],
        today=day,
    )
    return DeliveryReport(delivery=delivery)


def _identity_errors(
    parsed: layout.Parsed,
    organization: Organization,
    data_set: DataSet,
    version: DataSetVersion,
    period: periods.Period,
) -> list[RowError]:
    errors = []
    if parsed.organization_id != str(organization.pk):
        other = (
            Organization.objects.filter(pk=int(parsed.organization_id)).first()
            if parsed.organization_id.isdigit() and len(parsed.organization_id) < 10
            else None
        )
        errors.append(
            RowError(
                2,
                layout.ORGANIZATION,
                _(
                    "This template is for another organisation (%(other)s). Download the "
                    "template of %(own)s."
                )
                % {
                    "other": other.name if other else parsed.organization_id[:20],
                    "own": organization.name,
                },
            )
        )
    if parsed.data_set_code != data_set.code:
        errors.append(
            RowError(
                3,
                layout.DATA_SET,
                _("This template is for another data set (%(other)s), not %(own)s.")
                % {"other": parsed.data_set_code[:50], "own": data_set.name},
            )
        )
    if parsed.period.upper() != period.label:
        errors.append(
            RowError(
                5,
                layout.PERIOD,
                _("This template is for the period %(other)s; you are delivering for %(own)s.")
                % {"other": parsed.period[:20], "own": period.label},
            )
        )
    if parsed.version != str(version.number) and not errors:
        errors.append(
            RowError(
                4,
                layout.VERSION,
                _(
                    "This template is for version %(other)s of the data set; the current "
                    "version is %(own)s. Download the template again and copy your figures."
                )
                % {"other": parsed.version[:10] or "?", "own": version.number},
            )
        )
    return errors


def deliver_values(
    actor: Actor,
    data_set: DataSet,
    period: periods.Period,
    *,
    version_number: int,
    values: Sequence[tuple[str, object]],
    organization_id: int | None = None,
    today: dt.date | None = None,
) -> DeliveryReport:
    """The API's way in: the same checks as a file (own organisation, current version, period
    over, every value valid), stored whole or not at all. ``values`` are (code, value) pairs;
    errors name their position (1 = the first pair)."""
    organization = actor.organization
    if organization is None:
        raise PermissionDenied
    access.ensure_can_deliver_for(actor, organization.pk)
    _ensure_applies(organization, data_set)
    day = today or timezone.localdate()
    errors: list[RowError] = []
    if organization_id is not None and organization_id != organization.pk:
        errors.append(
            RowError(0, "organization", _("You can only deliver for your own organisation."))
        )
    if (problem := _period_error(data_set, period, day)) is not None:
        errors.append(problem)
    version = data_set.current_version()
    assert version is not None
    if version_number != version.number:
        errors.append(
            RowError(
                0,
                "version",
                _("Version %(other)s is not the current version (%(own)s) of this data set.")
                % {"other": version_number, "own": version.number},
            )
        )
    if errors:
        return DeliveryReport(errors=errors)
    rows = [InputRow(i, str(code), value) for i, (code, value) in enumerate(values, start=1)]
    checked = check_values(version.spec, rows)
    if not checked.ok:
        return DeliveryReport(errors=checked.errors)
    delivery = _store(
        actor,
        organization,
        data_set,
        version,
        period,
        checked.values,
        channel=Channel.API,
        today=day,
    )
    return DeliveryReport(delivery=delivery)


def _store(
    actor: Actor,
    organization: Organization,
    data_set: DataSet,
    version: DataSetVersion,
    period: periods.Period,
    values: dict[str, Decimal | None],
    *,
    channel: str,
    file_name: str = "",
    today: dt.date,
) -> Delivery:
    """Store a checked delivery as the next version, in one transaction: the previous version
    still waiting for review is superseded, never changed otherwise. Concurrent deliveries for
    the same period are serialised by locking the data set row."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                DataSet.objects.select_for_update().filter(pk=data_set.pk).first()
                previous = (
                    Delivery.objects.filter(
                        data_set=data_set,
                        organization=organization,
                        period_start=period.start,
                    )
                    .order_by("-number")
                    .first()
                )
                if previous is not None and previous.status == DeliveryStatus.SUBMITTED:
                    previous.transition_to(DeliveryStatus.SUPERSEDED)
                    previous.save(update_fields=["status"])
                deadline = period.deadline(version.deadline_days)
                delivery = Delivery.objects.create(
                    data_set=data_set,
                    version=version,
                    organization=organization,
                    period_start=period.start,
                    period_end=period.end,
                    number=(previous.number + 1) if previous else 1,
                    channel=channel,
                    file_name=file_name,
                    deadline=deadline,
                    is_late=today > deadline,
                    submitted_by=actor.user,
                    submitted_by_name=actor.audit_name[:200],
                )
                DeliveryValue.objects.bulk_create(
                    DeliveryValue(delivery=delivery, element_code=code, value=value)
                    for code, value in values.items()
                )
                audit.record(
                    "deliveries.submitted",
                    actor=actor,
                    action=AuditAction.CREATE,
                    subject=delivery,
                    purpose=AuditPurpose.ADMINISTRATION,
                    details={
                        "period": period.label,
                        "number": delivery.number,
                        "version": version.number,
                        "late": delivery.is_late,
                        "channel": channel,
                    },
                )
                transaction.on_commit(partial(_notify_reviewers, delivery.pk))
                return delivery
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _notify_reviewers(delivery_id: int) -> None:
    delivery = Delivery.objects.select_related("organization", "data_set").get(pk=delivery_id)
    notify(
        users_with(Permission.REVIEW_DELIVERIES),
        kind="deliveries.submitted",
        title=message(
            gettext_noop("New delivery: %(organization)s, %(data_set)s %(period)s"),
            organization=delivery.organization.name,
            data_set=delivery.data_set.name_nl,
            period=delivery.period.label,
        ),
        url=reverse("deliveries:detail", args=[delivery.pk]),
    )
