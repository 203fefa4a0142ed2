"""Writes of the monitoring app: the catalogue and its versions, targets, recomputation of the
stored figures, CBS context and issued reports. Views and tasks call these; nothing else
writes monitoring's tables."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

import structlog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.accounts.actors import Actor
from palliare.accounts.models import User
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction

from . import sources
from .catalogue import DEFAULT_KPIS
from .constants import LOOKBACK_QUARTERS, STATISTICS_PURPOSE, PeriodType, RunStatus, Source
from .models import (
    FillState,
    IssuedReport,
    KpiDefinition,
    KpiTarget,
    KpiValue,
    KpiVersion,
    PopulationFigure,
    RecomputeRun,
)
from .periods import Period, periods_until

log = structlog.get_logger(__name__)

#: The fields of a KPI version the catalogue page edits.
VERSION_FIELDS = (
    "number",
    "name_nl",
    "name_en",
    "domain",
    "kind",
    "unit",
    "numerator",
    "denominator",
    "inclusions",
    "exclusions",
    "period",
    "reference_date",
    "source",
    "rule",
    "breakdowns",
    "direction",
)


def _require(actor: Actor, permission: Permission) -> None:
    actor.require(permission)


# --- the catalogue --------------------------------------------------------------------------


@transaction.atomic
def ensure_catalogue() -> int:
    """Create the KPIs of :data:`catalogue.DEFAULT_KPIS` that do not exist yet (version 1).
    Idempotent; never touches a KPI that exists. Returns how many were created."""
    existing = set(KpiDefinition.objects.values_list("code", flat=True))
    created = 0
    for position, spec in enumerate(DEFAULT_KPIS):
        if spec["code"] in existing:
            continue
        definition = KpiDefinition.objects.create(code=spec["code"], position=10 * (position + 1))
        version = KpiVersion.objects.create(
            definition=definition,
            version=1,
            created_by_name="Palliare",
            change_note="Eerste versie",
            **{name: spec[name] for name in VERSION_FIELDS},
        )
        definition.current = version
        definition.save(update_fields=["current"])
        created += 1
    return created


@transaction.atomic
def save_kpi_version(
    actor: Actor,
    definition: KpiDefinition | None,
    data: dict[str, Any],
    *,
    code: str = "",
    note: str = "",
) -> KpiVersion:
    """Save a changed definition as a new version (or a new KPI with version 1). Earlier versions
    and the figures they made stay unchanged. Only the network coordinator (MANAGE_KPIS)."""
    _require(actor, Permission.MANAGE_KPIS)
    if data.get("source") == Source.COMPUTED and data.get("rule") not in sources.rule_keys():
        raise ValidationError({"rule": _("Choose one of the calculation rules Palliare knows.")})
    if definition is None:
        if KpiDefinition.objects.filter(code=code).exists():
            raise ValidationError({"code": _("A KPI with this code already exists.")})
        last = (
            KpiDefinition.objects.order_by("-position").values_list("position", flat=True).first()
        )
        definition = KpiDefinition.objects.create(code=code, position=(last or 0) + 10)
        number = 1
    else:
        definition = KpiDefinition.objects.select_for_update().get(pk=definition.pk)
        number = (
            definition.versions.order_by("-version").values_list("version", flat=True).first() or 0
        ) + 1
    version = KpiVersion.objects.create(
        definition=definition,
        version=number,
        change_note=note,
        created_by=actor.user,
        created_by_name=actor.audit_name,
        **{name: data[name] for name in VERSION_FIELDS},
    )
    definition.current = version
    definition.save(update_fields=["current"])
    audit.record(
        "monitoring.kpi_version_saved",
        actor=actor,
        action=AuditAction.CREATE if number == 1 else AuditAction.UPDATE,
        subject=version,
        details={"code": definition.code, "version": number},
    )
    return version


@transaction.atomic
def set_target(
    actor: Actor,
    definition: KpiDefinition,
    *,
    value: decimal.Decimal,
    target_date: dt.date,
    decision_reference: str,
    decision_date: dt.date,
) -> KpiTarget:
    """Record a target the steering group set (SET_TARGETS). A target without the decision it
    rests on is refused."""
    _require(actor, Permission.SET_TARGETS)
    errors: dict[str, str] = {}
    if not decision_reference.strip():
        errors["decision_reference"] = _(
            "A target needs the steering-group decision it rests on: give its reference."
        )
    if decision_date > timezone.localdate():
        errors["decision_date"] = _("The decision date cannot lie in the future.")
    if errors:
        raise ValidationError(errors)
    assert actor.user is not None
    target = KpiTarget.objects.create(
        definition=definition,
        value=value,
        target_date=target_date,
        decision_reference=decision_reference.strip(),
        decision_date=decision_date,
        set_by=actor.user,
        set_by_name=actor.audit_name,
    )
    audit.record(
        "monitoring.target_set",
        actor=actor,
        action=AuditAction.CREATE,
        subject=target,
        details={
            "code": definition.code,
            "value": str(value),
            "decision": target.decision_reference,
        },
    )
    return target


# --- recomputation --------------------------------------------------------------------------


def request_recompute(actor: Actor | None, *, full: bool = False) -> RecomputeRun:
    """Queue a recomputation of the stored figures (in the background); returns the run whose
    progress the page shows. A run already queued or running is returned instead."""
    if actor is not None:
        _require(actor, Permission.ISSUE_REPORTS)
    pending = RecomputeRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).first()
    if pending is not None:
        return pending
    run = RecomputeRun.objects.create(full=full, requested_by=actor.user if actor else None)
    from . import tasks

    transaction.on_commit(lambda: tasks.recompute_kpis.enqueue(run.pk))
    return run


def computable_versions() -> list[KpiVersion]:
    """Current versions of the KPIs in use whose figures Palliare can make now: computed rules,
    and delivered or milestone KPIs whose source is registered."""
    versions = list(
        KpiVersion.objects.filter(definition__is_active=True, definition__current_id__isnull=False)
        .filter(pk=F("definition__current_id"))
        .select_related("definition")
    )
    found = []
    for version in versions:
        if version.source == Source.COMPUTED:
            if sources.get_rule(version.rule) is not None:
                found.append(version)
        elif sources.get_source(version.source) is not None:
            found.append(version)
    return found


def _figures(version: KpiVersion, period: Period) -> Iterable[sources.Figure]:
    if version.source == Source.COMPUTED:
        fn = sources.get_rule(version.rule)
        return fn(period) if fn else []
    source = sources.get_source(version.source)
    return source(version.rule, period) if source else []


def _first_open_period(fill: FillState, full: bool) -> dt.date | None:
    if full or fill.filled_until is None or not fill.is_complete:
        return None
    start = Period.of(fill.filled_until, PeriodType.QUARTER).start
    for _step in range(LOOKBACK_QUARTERS - 1):
        start = Period.of(start - dt.timedelta(days=1), PeriodType.QUARTER).start
    return start


@transaction.atomic
def store_period(version: KpiVersion, period: Period, figures: Iterable[sources.Figure]) -> int:
    """Replace the stored values of one KPI version and period by ``figures`` (idempotent:
    the same figures give the same rows). Returns how many rows were written."""
    KpiValue.objects.filter(
        version=version, period_type=period.type, period_start=period.start
    ).delete()
    now = timezone.now()
    rows = [
        KpiValue(
            version=version,
            area_type=f.area_type,
            area_id=f.area_id,
            period_type=period.type,
            period_start=period.start,
            subgroup=f.subgroup,
            numerator=f.numerator,
            denominator=f.denominator,
            value=f.value,
            computed_at=now,
        )
        for f in figures
    ]
    KpiValue.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def run_recompute(run_id: int, *, today: dt.date | None = None) -> RecomputeRun:
    """Do a queued recomputation: for each computable KPI version, the periods its fill state
    does not mark final (all of them on a full run), then mark issued reports whose figures
    changed as revised. One access-log event records the run (statistics, no patient)."""
    run = RecomputeRun.objects.get(pk=run_id)
    if run.status == RunStatus.DONE:
        return run
    today = today or timezone.localdate()
    ensure_catalogue()  # KPIs added to the default catalogue since the last run (idempotent)
    ensure_population()
    versions = computable_versions()
    plan: list[tuple[KpiVersion, FillState, list[Period]]] = []
    for version in versions:
        fill, _created = FillState.objects.get_or_create(version=version)
        plan.append((version, fill, periods_until(today, since=_first_open_period(fill, run.full))))
    run.status, run.started_at = RunStatus.RUNNING, timezone.now()
    run.total_steps = sum(len(periods) for _v, _f, periods in plan)
    run.save(update_fields=["status", "started_at", "total_steps"])
    from .rules import year_cache

    try:
        with year_cache():
            _fill(run, plan, today)
        revised = mark_revised_reports()
    except Exception as exc:
        run.status, run.error, run.finished_at = RunStatus.FAILED, str(exc)[:2000], timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        log.exception("monitoring_recompute_failed", run_id=run.pk)
        raise
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.save(update_fields=["status", "finished_at"])
    requested_by = (
        User.objects.filter(pk=run.requested_by_id).first() if run.requested_by_id else None
    )
    audit.record(
        "monitoring.recomputed",
        actor=None,
        actor_name=str(requested_by) if requested_by else "monitoring",
        action=AuditAction.EXECUTE,
        subject=run,
        purpose=STATISTICS_PURPOSE,
        reason="quality of care",
        details={
            "kpis": str(len(versions)),
            "periods": str(run.total_steps),
            "values": str(run.values_written),
            "revised_reports": str(revised),
        },
    )
    log.info("monitoring_recomputed", run_id=run.pk, values=run.values_written)
    return run


def _fill(
    run: RecomputeRun, plan: list[tuple[KpiVersion, FillState, list[Period]]], today: dt.date
) -> None:
    # One transaction (one commit) per KPI version: its periods, its fill state and the run's
    # progress together. A commit per period cost a disk flush each — most of a run's time on
    # a busy server — and the progress bar does not need finer steps.
    for version, fill, periods in plan:
        with transaction.atomic():
            for period in periods:
                run.values_written += store_period(version, period, _figures(version, period))
                run.done_steps += 1
            fill.filled_until, fill.is_complete, fill.updated_at = today, True, timezone.now()
            fill.save(update_fields=["filled_until", "is_complete", "updated_at"])
            run.save(update_fields=["done_steps", "values_written"])


def recompute_now(*, full: bool = False, today: dt.date | None = None) -> RecomputeRun:
    """Recompute in this process (demo loader, management command, tests)."""
    run = RecomputeRun.objects.create(full=full)
    return run_recompute(run.pk, today=today)


# --- issued reports -------------------------------------------------------------------------


def mark_revised_reports() -> int:
    """Mark issued reports revised ("herzien") when a figure they showed has changed since."""
    count = 0
    for report in IssuedReport.objects.filter(revised_at__isnull=True).only("pk", "figures"):
        keys = report.figures
        if not keys:
            continue
        current = {
            (
                v.version_id,
                v.area_type,
                v.area_id,
                v.period_type,
                v.period_start.isoformat(),
                v.subgroup,
            ): v.value
            for v in KpiValue.objects.filter(
                version_id__in={f["version"] for f in keys},
                period_start__in={f["period_start"] for f in keys},
            )
        }
        for f in keys:
            key = (
                f["version"],
                f["area_type"],
                f["area_id"],
                f["period_type"],
                f["period_start"],
                f["subgroup"],
            )
            now_value = current.get(key)
            if not _same(now_value, f["value"]):
                IssuedReport.objects.filter(pk=report.pk).update(revised_at=timezone.now())
                count += 1
                break
    return count


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < 1e-9


# --- population context ---------------------------------------------------------------------


def ensure_population() -> int:
    """Load CBS deaths and population per municipality and year (reference-data) once."""
    if PopulationFigure.objects.exists():
        return 0
    return load_population()


@transaction.atomic
def load_population() -> int:
    """(Re)load the CBS figures of ``deaths_population_…csv`` (municipalities, all sexes)."""
    from palliare.organizations.reference_data import default_source

    path = default_source() / "derived" / "deaths_population_drenthe_steenwijkerland_2012_2023.csv"
    if not path.exists():
        log.warning("monitoring_population_missing", path=str(path))
        return 0
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["region_type"] != "GM" or row["sex"] != "total":
                continue
            rows.append(
                PopulationFigure(
                    gm_code=row["region_code"],
                    year=int(row["year"]),
                    population=int(row["population_1jan"]),
                    deaths=int(row["deaths"]),
                )
            )
    PopulationFigure.objects.all().delete()
    PopulationFigure.objects.bulk_create(rows)
    return len(rows)
