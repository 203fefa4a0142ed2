"""The capacity-planning pages: two scenarios side by side (beds needed per subregion against
the directory, specialists needed against available, every assumption with its source), the
parameter form that saves a new version, a scenario's history, the register of specialists and
the XLSX export. Views parse, call one service and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from palliare.accounts.decorators import require_permission
from palliare.accounts.requests import PalliareRequest
from palliare.organizations.models import Region
from palliare.ui.forms import apply_errors, parse_id

from . import charts, exports, figures, services, tables
from .constants import HORIZONS, GrowthMethod
from .forms import NewScenarioForm, ParametersForm, SpecialistForm, source_field
from .models import Scenario, Specialist
from .parameters import GROUPS, PARAMETERS


def _region() -> Region:
    region = figures.default_region()
    if region is None:
        raise Http404
    return region


def _chosen(request: PalliareRequest, available: list[Scenario]) -> list[Scenario]:
    """The scenarios to compare: ``?a=`` and ``?b=``, else the first two in use. An id that is
    not one of the region's scenarios is a 404."""
    by_id = {s.pk: s for s in available}
    chosen: list[Scenario] = []
    for key in ("a", "b"):
        raw = request.GET.get(key)
        if raw is None or raw == "":
            continue
        pk = parse_id(raw)
        if pk is None or pk not in by_id:
            raise Http404
        if by_id[pk] not in chosen:
            chosen.append(by_id[pk])
    for scenario in available:
        if len(chosen) >= 2:
            break
        if scenario not in chosen:
            chosen.append(scenario)
    return chosen


@require_permission(services.VIEW)
def overview(request: PalliareRequest) -> HttpResponse:
    """How many hospice beds and specialists will the region need in five and ten years, and
    how many does it have? Two scenarios side by side."""
    region = _region()
    available = figures.scenarios(region)
    chosen = _chosen(request, available)
    inputs, results = figures.results(region, chosen)
    y_max = charts.scale_max(results)
    columns = [
        {
            "result": r,
            "rows": tables.rows(r),
            "years": r.horizon_years,
            "spec": charts.beds_spec(r, y_max=y_max),
            "chart_id": f"spec-beds-{r.scenario.pk}",
            "problem": tables.problem_text(r.region.problem),
            "params": {
                p.key: tables.parameter_text(p, str(r.version.values.get(p.key, "")))
                for p in PARAMETERS
            },
            "numbers": {
                p.key: tables.number_text(p, str(r.version.values.get(p.key, "")))
                for p in PARAMETERS
                if not p.is_choice
            },
        }
        for r in results
    ]
    return render(
        request,
        "planning/overview.html",
        {
            "region": region,
            "scenarios": available,
            "chosen": chosen,
            "columns": columns,
            "parameter_groups": tables.parameter_rows(results),
            "inputs": inputs,
            "horizons": HORIZONS,
            "can_edit": services.can_edit(request.actor),
            "query": request.GET.urlencode(),
        },
    )


@require_permission(services.VIEW)
def export(request: PalliareRequest) -> HttpResponse:
    """The compared scenarios' figures for every subregion and year, and their parameters."""
    region = _region()
    chosen = _chosen(request, figures.scenarios(region))
    _inputs, results = figures.results(region, chosen)
    content = exports.scenarios_xlsx(results)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="capaciteitsplanning.xlsx"'
    return response


def _scenario(region: Region, pk: int) -> Scenario:
    return get_object_or_404(
        Scenario.objects.select_related("current"), pk=pk, region=region, current__isnull=False
    )


@require_permission(services.EDIT)
def scenario_new(request: PalliareRequest) -> HttpResponse:
    region = _region()
    form = NewScenarioForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.create_scenario(
                request.actor,
                region,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                copy_from=form.cleaned_data["copy_from"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Scenario added. Set its assumptions."))
            return redirect("planning:scenario", pk=scenario.pk)
    return render(request, "planning/scenario_new.html", {"form": form})


@require_permission(services.EDIT)
def scenario_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    """Every parameter of a scenario with its source; saving records a new version."""
    region = _region()
    scenario = _scenario(region, pk)
    current = scenario.current
    assert current is not None
    if request.method == "POST":
        form = ParametersForm(request.POST)
        if form.is_valid():
            values, sources = form.parameter_values()
            try:
                version = services.save_parameters(
                    request.actor,
                    scenario,
                    values=values,
                    sources=sources,
                    change_note=form.cleaned_data["change_note"],
                    based_on=form.cleaned_data["based_on"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if version is None:
                    messages.info(request, _("Nothing changed."))
                else:
                    messages.success(
                        request,
                        _("Saved as version %(version)s of %(name)s.")
                        % {"version": version.version, "name": scenario.name},
                    )
                url = reverse("planning:overview") + f"?a={scenario.pk}"
                return redirect(url)
    else:
        form = ParametersForm(
            initial=ParametersForm.initial_for(current.values, current.sources, current.version)
        )
    groups = [
        (
            title,
            [
                {
                    "parameter": p,
                    "value": form[p.key],
                    "source": form[source_field(p.key)],
                    "method_label": GrowthMethod(p.method).label if p.method else "",
                }
                for p in PARAMETERS
                if p.group == key
            ],
        )
        for key, title in GROUPS
    ]
    return render(
        request,
        "planning/scenario_edit.html",
        {"scenario": scenario, "version": current, "form": form, "groups": groups},
    )


@require_permission(services.VIEW)
def scenario_history(request: PalliareRequest, pk: int) -> HttpResponse:
    """Every version of a scenario: who changed which parameter when, and why."""
    region = _region()
    scenario = _scenario(region, pk)
    versions = list(scenario.versions.order_by("-version"))
    entries: list[dict[str, Any]] = []
    for i, version in enumerate(versions):
        previous = versions[i + 1] if i + 1 < len(versions) else None
        changes = []
        for p in PARAMETERS:
            new = str(version.values.get(p.key, ""))
            new_source = str(version.sources.get(p.key, ""))
            if previous is None:
                continue
            old = str(previous.values.get(p.key, ""))
            old_source = str(previous.sources.get(p.key, ""))
            if new != old or new_source != old_source:
                changes.append(
                    {
                        "label": p.label,
                        "old": tables.parameter_text(p, old),
                        "new": tables.parameter_text(p, new),
                        "source": new_source,
                        "source_changed": new_source != old_source,
                    }
                )
        entries.append({"version": version, "changes": changes})
    return render(
        request, "planning/scenario_history.html", {"scenario": scenario, "entries": entries}
    )


@require_permission(services.EDIT)
def specialists(request: PalliareRequest) -> HttpResponse:
    """The register of palliative care specialists with their expected departure year."""
    region = _region()
    form = SpecialistForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        specialist = form.save(commit=False)
        specialist.region = region
        try:
            services.save_specialist(request.actor, specialist)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s added to the register.") % {"name": specialist})
            return redirect("planning:specialists")
    found = list(
        Specialist.objects.filter(region=region)
        .select_related("subregion", "organization")
        .order_by("-is_active", "subregion__name", "name", "pk")
    )
    return render(request, "planning/specialists.html", {"form": form, "specialists": found})


@require_permission(services.EDIT)
def specialist_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    region = _region()
    specialist = get_object_or_404(Specialist, pk=pk, region=region)
    form = SpecialistForm(request.POST or None, instance=specialist, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_specialist(request.actor, form.save(commit=False))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("planning:specialists")
    return render(
        request, "planning/specialist_edit.html", {"form": form, "specialist": specialist}
    )
