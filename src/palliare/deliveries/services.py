"""Writes and the public reads of deliveries.

Writes: maintain data elements and data sets (a change publishes a new version), deliver a
file or API values (validated whole; stored in one transaction or not at all), accept or
return a delivery, remind organisations before and after a deadline.

Reads for other apps: :func:`accepted_values` (the figures monitoring computes with) and
:func:`completeness` (who delivered what for which period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.accounts.actors import Actor
from palliare.accounts.models import User
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.notifications.services import notify
from palliare.organizations.models import Membership, Organization

from . import access, files, layout, periods
from .constants import (
    ADDITIVE_TYPES,
    REMIND_BEFORE,
    Channel,
    Completeness,
    DeliveryStatus,
    ReminderKind,
)
from .models import (
    DataElement,
    DataSet,
    DataSetVersion,
    Delivery,
    DeliveryReminder,
    DeliveryValue,
    InvalidTransition,
)
from .schema import Definition, ElementSpec, InputRow, RowError, RuleSpec, check_values

# --- data elements and data sets (network coordinator) -----------------------------------------


@transaction.atomic
def save_element(actor: Actor, element: DataElement) -> DataElement:
    """Create or change a data element (validated). Existing data set versions keep the copy
    they were made with; publish a new version of a data set to use the change."""
    access.ensure_can_manage(actor)
    is_new = element.pk is None
    element.full_clean()
    element.save()
    audit.record(
        "deliveries.element_created" if is_new else "deliveries.element_changed",
        actor=actor,
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
        subject=element,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"code": element.code},
    )
    return element


@dataclass(frozen=True)
class Selection:
    """An element chosen for a data set, and whether it is required."""

    element: DataElement
    required: bool = True


def definition_from(selections: Sequence[Selection], rules: Sequence[RuleSpec]) -> Definition:
    """The frozen definition of a data set version from the chosen elements (copied now)."""
    specs = tuple(
        ElementSpec(
            code=s.element.code,
            name_nl=s.element.name_nl,
            name_en=s.element.name_en,
            value_type=s.element.value_type,
            unit=s.element.unit,
            min_value=s.element.min_value,
            max_value=s.element.max_value,
            required=s.required,
            help_text=s.element.help_text,
        )
        for s in selections
    )
    return Definition(specs, tuple(rules))


@transaction.atomic
def publish_data_set(
    actor: Actor,
    data_set: DataSet,
    *,
    selections: Sequence[Selection],
    rules: Sequence[RuleSpec],
    deadline_days: int,
    note: str = "",
) -> DataSetVersion | None:
    """Save a data set; when its elements, rules or deadline differ from the current version,
    publish a new version (returned). Returns None when only the name or the active flag
    changed. Deliveries and templates of older versions keep pointing at those."""
    access.ensure_can_manage(actor)
    if not selections:
        raise ValidationError(_("Choose at least one data element."))
    codes = [s.element.code for s in selections]
    if len(set(codes)) != len(codes):
        raise ValidationError(_("An element is chosen twice."))
    for rule in rules:
        if rule.left not in codes or rule.right not in codes:
            raise ValidationError(
                _("The rule “%(rule)s” names an element that is not in this data set.")
                % {"rule": str(rule)}
            )
    is_new = data_set.pk is None
    if not is_new and data_set.deliveries.exists():
        before = DataSet.objects.get(pk=data_set.pk)
        if (before.organization_type, before.period_type) != (
            data_set.organization_type,
            data_set.period_type,
        ):
            raise ValidationError(
                _(
                    "This data set has deliveries: its organisation type and period cannot "
                    "change. Make a new data set instead."
                )
            )
    data_set.full_clean()
    data_set.save()
    definition = definition_from(selections, rules)
    current = data_set.current_version()
    if (
        current is not None
        and current.definition == definition.to_json()
        and current.deadline_days == deadline_days
    ):
        version = None
    else:
        version = DataSetVersion.objects.create(
            data_set=data_set,
            number=(current.number + 1) if current else 1,
            definition=definition.to_json(),
            deadline_days=deadline_days,
            note=note,
            created_by_name=actor.audit_name,
        )
    audit.record(
        "deliveries.data_set_saved",
        actor=actor,
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
        subject=data_set,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"code": data_set.code, "version": version.number if version else None},
    )
    return version


# --- delivering (business controller) ----------------------------------------------------------


def data_sets_for(organization: Organization | None) -> list[DataSet]:
    """The active data sets an organisation of this type delivers (with a published version)."""
    if organization is None:
        return []
    return list(
        DataSet.objects.filter(
            organization_type=organization.type, is_active=True, versions__isnull=False
        )
        .distinct()
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


def _users_with(
    permission: Permission, organization_ids: Iterable[int] | None = None
) -> list[User]:
    memberships = Membership.objects.current().filter(
        role__permissions__permission=permission.value,
        professional__is_active=True,
        professional__user__is_active=True,
    )
    if organization_ids is not None:
        memberships = memberships.filter(organization_id__in=list(organization_ids))
    ids = set(memberships.values_list("professional__user_id", flat=True))
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def _notify_reviewers(delivery_id: int) -> None:
    delivery = Delivery.objects.select_related("organization", "data_set").get(pk=delivery_id)
    notify(
        _users_with(Permission.REVIEW_DELIVERIES),
        kind="deliveries.submitted",
        title=_("New delivery: %(organization)s, %(data_set)s %(period)s")
        % {
            "organization": delivery.organization.name,
            "data_set": delivery.data_set.name_nl,
            "period": delivery.period.label,
        },
        url=reverse("deliveries:detail", args=[delivery.pk]),
    )


# --- review (programme team) -------------------------------------------------------------------


@transaction.atomic
def review_delivery(
    actor: Actor, delivery: Delivery, *, accept: bool, comment: str = ""
) -> Delivery:
    """Accept a delivery, or return it with a comment saying what to correct. The controllers of
    the organisation are notified (in the app and by e-mail, without figures)."""
    access.ensure_can_review(actor)
    comment = comment.strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Say what should be corrected when you return it.")})
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    try:
        locked.transition_to(DeliveryStatus.ACCEPTED if accept else DeliveryStatus.RETURNED)
    except InvalidTransition as exc:
        raise ValidationError(
            _("This delivery is %(status)s; it cannot be reviewed again.")
            % {"status": locked.get_status_display().lower()}
        ) from exc
    locked.review_comment = comment
    locked.reviewed_at = timezone.now()
    locked.reviewed_by_name = actor.audit_name[:200]
    locked.save(update_fields=["status", "review_comment", "reviewed_at", "reviewed_by_name"])
    audit.record(
        "deliveries.accepted" if accept else "deliveries.returned",
        actor=actor,
        action=AuditAction.UPDATE,
        subject=locked,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"number": locked.number},
    )
    title = (
        _("Your delivery %(data_set)s %(period)s was accepted")
        if accept
        else _("Your delivery %(data_set)s %(period)s was returned: see the comment")
    ) % {"data_set": locked.data_set.name_nl, "period": locked.period.label}
    recipients = _users_with(Permission.DELIVER_FIGURES, [locked.organization_id])
    if locked.submitted_by_id and locked.submitted_by not in recipients:
        recipients.append(locked.submitted_by)  # type: ignore[arg-type]
    notify(
        recipients,
        kind="deliveries.reviewed",
        title=title,
        url=reverse("deliveries:detail", args=[locked.pk]),
        email=True,
        exclude=actor.user,
    )
    return locked


# --- completeness ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One organisation's state for one period."""

    state: str
    delivery: Delivery | None = None
    deadline: dt.date | None = None

    @property
    def label(self) -> str:
        return str(Completeness(self.state).label)

    @property
    def is_late(self) -> bool:
        return self.state == Completeness.LATE or bool(self.delivery and self.delivery.is_late)


@dataclass
class Matrix:
    """Organisations × periods for one data set."""

    data_set: DataSet
    periods: list[periods.Period]
    rows: list[tuple[Organization, list[Cell]]]

    def totals(self) -> dict[str, int]:
        counts: dict[str, int] = {c.value: 0 for c in Completeness}
        for _org, cells in self.rows:
            for cell in cells:
                counts[cell.state] += 1
        return counts


def cell_state(
    latest: Delivery | None,
    period: periods.Period,
    deadline_days: int,
    today: dt.date,
    *,
    asked: bool = True,
) -> Cell:
    """The state of one cell from its newest delivery version (pure)."""
    deadline = period.deadline(deadline_days)
    if latest is None and not asked:
        return Cell(Completeness.NOT_ASKED, None, None)
    if latest is not None:
        state = {
            DeliveryStatus.ACCEPTED: Completeness.ACCEPTED,
            DeliveryStatus.RETURNED: Completeness.RETURNED,
        }.get(DeliveryStatus(latest.status), Completeness.SUBMITTED)
        return Cell(state, latest, deadline)
    if period.end >= today:
        return Cell(Completeness.NOT_DUE, None, deadline)
    if today > deadline:
        return Cell(Completeness.LATE, None, deadline)
    return Cell(Completeness.DUE, None, deadline)


def completeness(
    data_set: DataSet,
    period_list: Sequence[periods.Period],
    *,
    organization_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
) -> Matrix:
    """Who delivered what: each active organisation of the data set's type against the given
    periods (three queries, whatever the size)."""
    day = today or timezone.localdate()
    version = data_set.current_version()
    deadline_days = version.deadline_days if version else 42
    organizations = Organization.objects.filter(type=data_set.organization_type, is_active=True)
    if organization_ids is not None:
        organizations = organizations.filter(pk__in=list(organization_ids))
    orgs = list(organizations.order_by("name", "pk"))
    starts = [p.start for p in period_list]
    latest: dict[tuple[int, dt.date], Delivery] = {}
    for delivery in (
        Delivery.objects.filter(data_set=data_set, period_start__in=starts, organization__in=orgs)
        .latest_per_period()
        .select_related("data_set")
    ):
        latest[(delivery.organization_id, delivery.period_start)] = delivery
    rows = [
        (
            org,
            [
                cell_state(
                    latest.get((org.pk, p.start)),
                    p,
                    deadline_days,
                    day,
                    asked=data_set.asks_for(p),
                )
                for p in period_list
            ],
        )
        for org in orgs
    ]
    return Matrix(data_set, list(period_list), rows)


def open_periods(
    organization: Organization, *, today: dt.date | None = None
) -> list[tuple[DataSet, periods.Period, Cell]]:
    """For a controller: every data set period that is due, late or returned (oldest first),
    over the last two years."""
    day = today or timezone.localdate()
    out = []
    for data_set in data_sets_for(organization):
        period_list = periods.ending_before(
            day, data_set.period_type, 8 if data_set.period_type == "quarter" else 2
        )
        period_list = [p for p in period_list if p.end < day]
        matrix = completeness(data_set, period_list, organization_ids=[organization.pk], today=day)
        for _org, cells in matrix.rows:
            for period, cell in zip(period_list, cells, strict=True):
                if cell.state in (Completeness.DUE, Completeness.LATE, Completeness.RETURNED):
                    out.append((data_set, period, cell))
    return out


# --- for monitoring ---------------------------------------------------------------------------


def accepted_values(
    element_code: str, period_start: dt.date, period_end: dt.date
) -> dict[int, Decimal]:
    """Organisation id → the accepted value of ``element_code`` for the periods that lie wholly
    within [period_start, period_end].

    Per organisation and period the latest *accepted* delivery version counts (a newer version
    still under review or returned does not replace it). When the range holds several periods
    of an organisation (e.g. a year asked of quarterly data), their values are added up; that
    is only allowed for additive elements (whole and decimal numbers) and raises ValueError for
    percentages and yes/no. Organisations without an accepted value are absent; empty optional
    values are skipped. Reads no patient data; for monitoring's KPIs.
    """
    candidates = (
        DeliveryValue.objects.filter(
            element_code=element_code,
            delivery__status=DeliveryStatus.ACCEPTED,
            delivery__period_start__gte=period_start,
            delivery__period_end__lte=period_end,
        )
        .select_related("delivery__version")
        .order_by("delivery__organization_id", "delivery__period_start", "-delivery__number")
    )
    chosen: dict[tuple[int, dt.date], DeliveryValue] = {}
    for row in candidates:
        key = (row.delivery.organization_id, row.delivery.period_start)
        chosen.setdefault(key, row)  # the first per key is the highest accepted number
    result: dict[int, Decimal] = {}
    periods_per_org: dict[int, int] = {}
    for (org_id, _start), row in chosen.items():
        if row.value is None:
            continue
        spec = row.delivery.version.spec.element(element_code)
        periods_per_org[org_id] = periods_per_org.get(org_id, 0) + 1
        if periods_per_org[org_id] > 1 and (spec is None or spec.value_type not in ADDITIVE_TYPES):
            raise ValueError(f"{element_code} is not additive; ask for one period at a time.")
        result[org_id] = result.get(org_id, Decimal(0)) + row.value
    return result


# --- reminders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReminder:
    data_set_id: int
    organization_id: int
    period_start: dt.date
    kind: str


def reminders_due(today: dt.date | None = None) -> list[DueReminder]:
    """Every reminder to send today: for the most recent ended period of each active data set,
    organisations without a delivery get one reminder within ``REMIND_BEFORE`` of the deadline
    and one after it has passed. Already sent reminders are left out."""
    day = today or timezone.localdate()
    due = []
    for data_set in DataSet.objects.filter(is_active=True).order_by("pk"):
        version = data_set.current_version()
        if version is None:
            continue
        period = periods.period_containing(day, data_set.period_type).previous()
        if not data_set.asks_for(period):
            continue
        deadline = period.deadline(version.deadline_days)
        if day > deadline:
            kind = ReminderKind.OVERDUE
        elif day >= deadline - REMIND_BEFORE:
            kind = ReminderKind.BEFORE_DEADLINE
        else:
            continue
        delivered = Delivery.objects.filter(data_set=data_set, period_start=period.start).values(
            "organization_id"
        )
        sent = DeliveryReminder.objects.filter(
            data_set=data_set, period_start=period.start, kind=kind
        ).values("organization_id")
        for org_id in (
            Organization.objects.filter(type=data_set.organization_type, is_active=True)
            .exclude(pk__in=delivered)
            .exclude(pk__in=sent)
            .order_by("pk")
            .values_list("pk", flat=True)
        ):
            due.append(DueReminder(data_set.pk, org_id, period.start, kind))
    return due


def send_reminder(reminder: DueReminder) -> bool:
    """Remind one organisation's controllers (in the app and by e-mail, no figures and no
    patient data). Idempotent: False when it was sent before or is no longer due."""
    data_set = DataSet.objects.filter(pk=reminder.data_set_id).first()
    if data_set is None:
        return False
    period = periods.from_start(reminder.period_start, data_set.period_type)
    if period is None:
        return False
    with transaction.atomic():
        if Delivery.objects.filter(
            data_set=data_set,
            organization_id=reminder.organization_id,
            period_start=reminder.period_start,
        ).exists():
            return False
        recipients = _users_with(Permission.DELIVER_FIGURES, [reminder.organization_id])
        try:
            with transaction.atomic():
                row = DeliveryReminder.objects.create(
                    data_set=data_set,
                    organization_id=reminder.organization_id,
                    period_start=reminder.period_start,
                    kind=reminder.kind,
                    recipients=len(recipients),
                )
        except IntegrityError:
            return False
        version = data_set.current_version()
        deadline = period.deadline(version.deadline_days if version else 42)
        title = (
            _("Deliver %(data_set)s %(period)s: the deadline was %(deadline)s")
            if reminder.kind == ReminderKind.OVERDUE
            else _("Deliver %(data_set)s %(period)s by %(deadline)s")
        ) % {
            "data_set": data_set.name_nl,
            "period": period.label,
            "deadline": layout.deadline_text(deadline),
        }
        notify(
            recipients,
            kind="deliveries.reminder",
            title=title,
            url=reverse("deliveries:deliver", args=[data_set.pk, period.label]),
            email=True,
        )
        audit.record(
            "deliveries.reminder_sent",
            actor=None,
            actor_name="system",
            action=AuditAction.EXECUTE,
            subject=row,
            purpose=AuditPurpose.ADMINISTRATION,
            details={"recipients": len(recipients), "kind": reminder.kind},
        )
    return True


def deliveries_for(actor: Actor) -> Q:
    """A filter of the deliveries the actor may see (see ``access.can_view``)."""
    if access.can_review(actor) or access.can_manage(actor):
        return Q()
    if actor.has(Permission.DELIVER_FIGURES) and actor.organization_id is not None:
        return Q(organization_id=actor.organization_id)
    return Q(pk__in=[])
