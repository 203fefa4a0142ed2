"""The monitoring pages: the steering group's and programme team's dashboard with drill-down to
a subregion, one KPI in detail (trend, interval, funnel plot, subgroups, definition), the
network coordinator's catalogue, the business controller's mirror figures, recomputation with
progress, and the periodic report. Pages read stored figures only (``figures``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.organizations.models import Subregion
from palliare.ui.forms import apply_errors, parse_id

from . import charts, figures, reports, services, sources, strata, suppression
from .constants import AreaType, PeriodType, RunStatus, Source, Unit
from .forms import KpiVersionForm, ReportForm, TargetForm
from .models import IssuedReport, KpiDefinition, RecomputeRun
from .periods import Period


def _period(request: PalliareRequest) -> Period:
    found = Period.parse(request.GET.get("period", ""))
    return found or figures.latest_complete_quarter()


def _period_choices(selected: Period) -> list[tuple[str, str, bool]]:
    latest = figures.latest_complete_quarter()
    options, p = [], latest
    for _step in range(12):
        options.append((p.key, p.display, p == selected))
        p = Period.of(p.start - dt.timedelta(days=1), PeriodType.QUARTER)
    return options


def _area(request: PalliareRequest) -> tuple[str, int, str, Subregion | None]:
    region = figures.default_region()
    if region is None:
        raise Http404
    sub_id = parse_id(request.GET.get("subregion"))
    if sub_id is not None:
        subregion = Subregion.objects.filter(pk=sub_id, region=region).first()
        if subregion is None:
            raise Http404
        return AreaType.SUBREGION, subregion.pk, subregion.name, subregion
    return AreaType.REGION, region.pk, region.name, None


def _context_years(area_type: str, area_id: int, period: Period) -> figures.Context | None:
    return figures.context_for(area_type, area_id, [period.start.year]).get(period.start.year)


@require_permission(Permission.VIEW_REPORTS)
def dashboard(request: PalliareRequest) -> HttpResponse:
    """Are we on target? Every KPI's latest value against its target, with baseline, trend and
    the population context; drill down to a subregion."""
    period = _period(request)
    area_type, area_id, area_name, subregion = _area(request)
    rows = figures.dashboard(area_type, area_id, period=period)
    region = figures.default_region()
    assert region is not None
    trend_cards = [
        {"row": r, "id": f"spec-trend-{r.definition.code}", "spec": charts.trend_spec(r)}
        for r in rows
        if r.trend
    ]
    run = RecomputeRun.objects.first()
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "rows": rows,
            "period": period,
            "periods": _period_choices(period),
            "area_name": area_name,
            "subregion": subregion,
            "subregions": figures.subregions(region),
            "context": _context_years(area_type, area_id, period),
            "trend_cards": trend_cards,
            "run": run,
            "can_recompute": request.actor.has(Permission.ISSUE_REPORTS),
            "quality": data_quality(rows) if request.actor.has(Permission.ISSUE_REPORTS) else None,
            "min_count": suppression.min_count(),
            "min_denominator": suppression.min_denominator(),
        },
    )


def data_quality(rows: list[figures.KpiRow]) -> list[dict[str, Any]]:
    """For the programme team: per KPI how many periods have figures, and the coverage."""
    return [
        {
            "row": r,
            "quarters": len(r.trend),
            "awaiting": r.awaiting_source,
        }
        for r in rows
    ]


@require_permission(Permission.VIEW_REPORTS)
def kpi_detail(request: PalliareRequest, code: str) -> HttpResponse:
    """One KPI: its value against target over time, per subregion (drill-down with suppressed
    small counts), as a funnel plot, per subgroup, and its definition with every version."""
    definition = get_object_or_404(KpiDefinition.objects.select_related("current"), code=code)
    version = definition.current
    if version is None:
        raise Http404
    period = _period(request)
    region = figures.default_region()
    if region is None:
        raise Http404
    row = next(
        r
        for r in figures.dashboard(
            AreaType.REGION, region.pk, period=period, definitions=[definition]
        )
    )
    subs = figures.subregions(region)
    by_sub = figures.breakdown(version, AreaType.SUBREGION, period)
    drill = _drilldown(subs, by_sub, row.latest)
    specs: dict[str, Any] = {}
    if row.trend:
        specs["trend"] = charts.trend_spec(row)
    if version.unit == Unit.PERCENT and row.latest and row.latest.value is not None:
        specs["funnel"] = charts.funnel_spec(
            [(s.name, drill["points"][s.pk]) for s in subs if s.pk in drill["points"]],
            row.latest.value,
        )
    groups = strata.protect_groups(
        figures.subgroups(version, AreaType.REGION, region.pk, period), row.latest
    )
    place_reference = (
        figures.national_place_of_death() if definition.code == figures.ALL_DEATHS_KPI else {}
    )
    subgroup_rows = _subgroup_rows(groups, place_reference)
    if place_reference and subgroup_rows:
        specs["places"] = charts.bars_spec(
            [(label, p.value, ref) for label, p, ref in subgroup_rows if ref is not None]
        )
    return render(
        request,
        "monitoring/kpi_detail.html",
        {
            "definition": definition,
            "version": version,
            "row": row,
            "period": period,
            "periods": _period_choices(period),
            "drill": drill,
            "subgroups": subgroup_rows,
            "specs": specs,
            "versions": definition.versions.order_by("-version"),
            "targets": definition.targets.order_by("-set_at")[:10],
            "target_form": TargetForm() if request.actor.has(Permission.SET_TARGETS) else None,
            "context": _context_years(AreaType.REGION, region.pk, period),
            "awaiting_source": version.source != Source.COMPUTED and not row.trend,
        },
    )


def _drilldown(
    subs: list[Subregion], by_sub: dict[int, figures.Point], region: figures.Point | None
) -> dict[str, Any]:
    """Per subregion the numerator and denominator with complementary suppression (the region
    row is the total), and the rate only where neither count is masked
    (:func:`figures.drilldown`)."""
    drill = figures.drilldown(region, [by_sub.get(s.pk) for s in subs])
    rate = drill.totals is not None and len(drill.totals) == 2
    return {
        "rows": [
            {"subregion": s, "point": point} for s, point in zip(subs, drill.rows, strict=True)
        ],
        "totals": drill.totals,
        "numerator_total": drill.totals[0] if rate and drill.totals else None,
        "denominator_total": drill.totals[-1] if drill.totals else None,
        "rate": rate,
        "withheld": drill.withheld,
        "region": region,
        "points": {s.pk: p for s, p in zip(subs, drill.rows, strict=True) if p is not None},
    }


def _subgroup_rows(
    groups: dict[str, figures.Point], reference: dict[str, float]
) -> list[tuple[str, figures.Point, float | None]]:
    from palliare.capacity.aggregates import facility_names
    from palliare.capacity.constants import FacilityKind
    from palliare.patients.constants import DiagnosisGroup, PlaceOfDeath

    labels = {f"dx:{c}": f"{_('Diagnosis')}: {label}" for c, label in DiagnosisGroup.choices}
    labels |= {f"kind:{c}": str(label) for c, label in FacilityKind.choices}
    facilities = [
        int(key[9:]) for key in groups if key.startswith("facility:") and key[9:].isdigit()
    ]
    if facilities:
        labels |= {f"facility:{pk}": name for pk, name in facility_names(facilities).items()}
    labels |= {f"place:{c}": str(label) for c, label in PlaceOfDeath.choices}
    labels |= {"hours:office": _("Office hours"), "hours:out": _("Out of hours")}
    labels |= {
        "setting:home": _("Died at home"),
        "setting:intramural": _("Died in a hospital, hospice or nursing home"),
    }
    found = []
    for key in sorted(groups):
        kind, _sep, code = key.partition(":")
        label = labels.get(key) or (
            f"{_('Age')} {code}"
            if kind == "age"
            else f"{_('Urgency')}: {code}"
            if kind == "urgency"
            else key
        )
        found.append((label, groups[key], reference.get(code) if kind == "place" else None))
    return found


@require_permission(Permission.SET_TARGETS)
@require_POST
def set_target(request: PalliareRequest, code: str) -> HttpResponse:
    definition = get_object_or_404(KpiDefinition, code=code)
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            services.set_target(request.actor, definition, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Target recorded."))
            return redirect("monitoring:kpi", code)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("monitoring:kpi", code)


@require_permission(Permission.MANAGE_KPIS)
def catalogue(request: PalliareRequest) -> HttpResponse:
    """The network coordinator's KPI catalogue: every KPI, its current version and source."""
    definitions = list(KpiDefinition.objects.select_related("current").order_by("position", "code"))
    return render(
        request,
        "monitoring/catalogue.html",
        {
            "definitions": definitions,
            "registered": {
                s: sources.get_source(s) is not None for s in (Source.DELIVERED, Source.MILESTONE)
            },
        },
    )


@require_permission(Permission.MANAGE_KPIS)
def kpi_edit(request: PalliareRequest, code: str | None = None) -> HttpResponse:
    """Change a KPI's definition (saved as a new version) or add a KPI."""
    definition = (
        get_object_or_404(KpiDefinition.objects.select_related("current"), code=code)
        if code
        else None
    )
    initial: dict[str, Any] = {}
    if definition is not None and definition.current is not None:
        initial = {name: getattr(definition.current, name) for name in services.VERSION_FIELDS}
        initial["code"] = definition.code
    form = KpiVersionForm(request.POST or None, initial=initial, existing=definition is not None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.VERSION_FIELDS}
        try:
            version = services.save_kpi_version(
                request.actor,
                definition,
                data,
                code=form.cleaned_data["code"] if definition is None else "",
                note=form.cleaned_data["change_note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved as version %(n)s.") % {"n": version.version})
            return redirect("monitoring:catalogue")
    return render(request, "monitoring/kpi_edit.html", {"form": form, "definition": definition})


@require_permission(Permission.ISSUE_REPORTS)
@require_POST
def recompute(request: PalliareRequest) -> HttpResponse:
    run = services.request_recompute(request.actor, full=request.POST.get("full") == "1")
    return redirect("monitoring:run", run.pk)


@require_permission(Permission.ISSUE_REPORTS)
def run_status(request: PalliareRequest, pk: int) -> HttpResponse:
    """Progress of a recomputation (the page polls itself while it runs)."""
    run = get_object_or_404(RecomputeRun, pk=pk)
    template = "monitoring/partials/run.html" if request.htmx else "monitoring/run.html"
    return render(
        request,
        template,
        {"run": run, "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING)},
    )


@require_permission(Permission.DELIVER_FIGURES)
def mirror(request: PalliareRequest) -> HttpResponse:
    """The business controller's mirror: their organisation's figures beside the region's —
    every KPI the register links to the organisation (its patients as GP practice, its part in
    care teams, its consultations and referrals, its deliveries) first — and, for one rate, a
    funnel plot of the organisations of the same type in which the others are not named."""
    organization = request.actor.organization
    region = figures.default_region()
    if organization is None or region is None:
        raise Http404
    period = _period(request)
    rows = figures.mirror(organization.pk, region.pk, period)
    rates = [
        r
        for r in rows
        if r.linked
        and r.regional.version.unit == Unit.PERCENT
        and r.own is not None
        and r.own.latest is not None
        and r.regional.latest is not None
        and r.regional.latest.value is not None
    ]
    chosen = next((r for r in rates if r.regional.definition.code == request.GET.get("kpi")), None)
    chosen = chosen or (rates[0] if rates else None)
    funnel: dict[str, Any] | None = None
    if chosen is not None:
        assert chosen.regional.latest is not None and chosen.regional.latest.value is not None
        others = 0
        units: list[tuple[str, figures.Point]] = []
        for own, point in figures.peers(
            chosen.regional.version, organization.pk, organization.type, period
        ):
            if own:
                units.append((organization.name, point))
            else:
                others += 1
                units.append((_("Organisation %(n)s") % {"n": others}, point))
        funnel = {
            "row": chosen,
            "units": units,
            "spec": charts.funnel_spec(
                units, chosen.regional.latest.value, highlight=organization.name
            ),
        }
    return render(
        request,
        "monitoring/mirror.html",
        {
            "linked": [r for r in rows if r.linked],
            "unlinked": [r for r in rows if not r.linked],
            "organization": organization,
            "period": period,
            "periods": _period_choices(period),
            "rates": rates,
            "funnel": funnel,
        },
    )


@require_permission(Permission.VIEW_REPORTS)
def report_list(request: PalliareRequest) -> HttpResponse:
    """Issued periodic reports (kept unchanged) and, for the programme team, issuing one."""
    issued = IssuedReport.objects.defer("pdf", "xlsx", "figures").order_by("-issued_at")[:40]
    form = ReportForm() if request.actor.has(Permission.ISSUE_REPORTS) else None
    return render(request, "monitoring/reports.html", {"reports": issued, "form": form})


@require_permission(Permission.ISSUE_REPORTS)
@require_POST
def issue_report(request: PalliareRequest) -> HttpResponse:
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("monitoring:reports")
    report = reports.issue(request.actor, form.cleaned_data["period"])
    messages.success(request, _("Report issued: %(title)s.") % {"title": report.title})
    return redirect("monitoring:reports")


@require_permission(Permission.VIEW_REPORTS)
def report_download(request: PalliareRequest, pk: int, fmt: str) -> HttpResponse:
    report = get_object_or_404(IssuedReport, pk=pk)
    prefix = _("regional-report")  # the file name's first part
    stem = f"{prefix}-{Period(report.period_start, report.period_type).slug}"
    if fmt == "pdf":
        response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
        name = f"{stem}.pdf"
    elif fmt == "xlsx":
        response = HttpResponse(
            bytes(report.xlsx),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"{stem}.xlsx"
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
