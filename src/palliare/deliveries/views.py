"""Pages of deliveries: the controller's own deliveries and the delivery page (template
download, upload, history); a delivery's page with the review; the completeness matrix for
the programme team; the data sets and data elements for the network coordinator."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from palliare.accounts.decorators import any_professional, require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest

from . import access, periods, services
from .constants import DEFAULT_PERIODS, MAX_UPLOAD_BYTES, Completeness, DeliveryStatus
from .forms import DataElementForm, DataSetForm, ReviewForm, UploadForm
from .models import DataElement, DataSet, Delivery
from .schema import RowError, format_value
from .uploads import SizeLimitHandler


def _own_data_set(request: PalliareRequest, data_set_id: int) -> DataSet:
    organization = request.actor.organization
    if organization is None:
        raise Http404
    return get_object_or_404(
        DataSet, pk=data_set_id, organization_type=organization.type, is_active=True
    )


def _period(data_set: DataSet, label: str) -> periods.Period:
    period = periods.parse(label, data_set.period_type)
    if period is None:
        raise Http404
    return period


@require_permission(Permission.DELIVER_FIGURES)
def own(request: PalliareRequest) -> HttpResponse:
    """What has my organisation delivered, and what is due? One row per data set, the recent
    periods as columns."""
    organization = request.actor.organization
    today = timezone.localdate()
    tables = []
    for data_set in services.data_sets_for(organization):
        count = DEFAULT_PERIODS if data_set.period_type == "quarter" else 4
        period_list = periods.ending_before(today, data_set.period_type, count)
        matrix = services.completeness(
            data_set,
            period_list,
            organization_ids=[organization.pk] if organization else [],
            today=today,
        )
        cells = matrix.rows[0][1] if matrix.rows else []
        tables.append((data_set, list(zip(period_list, cells, strict=False))))
    open_items = services.open_periods(organization) if organization else []
    return render(
        request,
        "deliveries/own.html",
        {"organization": organization, "tables": tables, "open_items": open_items},
    )


@require_permission(Permission.DELIVER_FIGURES)
@csrf_exempt
def deliver(request: PalliareRequest, data_set_id: int, period: str) -> HttpResponse:
    """Deliver one data set for one period: download the template, upload it filled. The size
    limit is checked before Django reads the body (the CSRF check follows in ``_deliver``)."""
    limiter = SizeLimitHandler(request, MAX_UPLOAD_BYTES)
    if request.method == "POST":
        request.upload_handlers.insert(0, limiter)
    return _deliver(request, data_set_id, period, limiter)


@csrf_protect
def _deliver(
    request: PalliareRequest, data_set_id: int, label: str, limiter: SizeLimitHandler
) -> HttpResponse:
    data_set = _own_data_set(request, data_set_id)
    period = _period(data_set, label)
    organization = request.actor.organization
    assert organization is not None
    errors: list[RowError] = []
    form = UploadForm()
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if limiter.too_large:
            form.is_valid()
            form.errors.clear()
            form.add_error(
                "file",
                _("The file is larger than %(size)s MB. A filled template is only a few kB.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        if not form.errors and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(MAX_UPLOAD_BYTES + 1)
            report = services.deliver_file(
                request.actor, data_set, period, data, file_name=upload.name or ""
            )
            if report.ok and report.delivery is not None:
                if report.delivery.is_late:
                    messages.warning(
                        request,
                        _(
                            "Received after the deadline: version %(number)s is stored and marked "
                            "late."
                        )
                        % {"number": report.delivery.number},
                    )
                else:
                    messages.success(
                        request,
                        _("Received: version %(number)s is stored and waits for review.")
                        % {"number": report.delivery.number},
                    )
                return HttpResponseRedirect(request.path)
            errors = report.errors
        status = 400
    version = data_set.current_version()
    history = list(
        Delivery.objects.filter(
            data_set=data_set, organization=organization, period_start=period.start
        ).order_by("-number")
    )
    return render(
        request,
        "deliveries/deliver.html",
        {
            "data_set": data_set,
            "period": period,
            "version": version,
            "deadline": period.deadline(version.deadline_days) if version else None,
            "is_over": period.end < timezone.localdate(),
            "form": form,
            "errors": errors,
            "history": history,
            "organization": organization,
        },
        status=status,
    )


@require_permission(Permission.DELIVER_FIGURES)
@require_GET
def template(request: PalliareRequest, data_set_id: int, period: str, fmt: str) -> HttpResponse:
    """The template for the actor's organisation, this data set and period (XLSX or CSV)."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    data_set = _own_data_set(request, data_set_id)
    found = _period(data_set, period)
    try:
        content = services.template_file(request.actor, data_set, found, file_format=fmt)
    except ValidationError as exc:
        raise Http404 from exc
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    name = f"aanlevering-{data_set.code}-{found.label}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _visible_delivery(request: PalliareRequest, pk: int) -> Delivery:
    delivery = (
        Delivery.objects.select_related("data_set", "organization", "version").filter(pk=pk).first()
    )
    if delivery is None or not access.can_view(request.actor, delivery):
        raise Http404
    return delivery


@any_professional
def detail(request: PalliareRequest, pk: int) -> HttpResponse:
    """One delivery version: its figures, its state, the review comment and the other
    versions. Controllers see their own organisation's; the programme team every one."""
    delivery = _visible_delivery(request, pk)
    return _detail(request, delivery, ReviewForm())


def _detail(
    request: PalliareRequest, delivery: Delivery, form: ReviewForm, status: int = 200
) -> HttpResponse:
    spec = delivery.version.spec
    stored = {v.element_code: v.value for v in delivery.values.all()}
    rows = [(element, format_value(stored.get(element.code), element)) for element in spec.elements]
    versions = list(
        Delivery.objects.filter(
            data_set=delivery.data_set,
            organization=delivery.organization,
            period_start=delivery.period_start,
        ).order_by("-number")
    )
    previous = next((v for v in versions if v.number < delivery.number), None)
    changed: set[str] = set()
    if previous is not None:
        before = {v.element_code: v.value for v in previous.values.all()}
        changed = {code for code, value in stored.items() if before.get(code) != value}
    can_review = access.can_review(request.actor) and delivery.status == DeliveryStatus.SUBMITTED
    return render(
        request,
        "deliveries/detail.html",
        {
            "delivery": delivery,
            "rows": rows,
            "changed": changed,
            "previous": previous,
            "versions": versions,
            "rules": spec.rules,
            "form": form if can_review else None,
            "can_deliver": access.can_deliver_for(request.actor, delivery.organization_id),
        },
        status=status,
    )


@require_permission(Permission.REVIEW_DELIVERIES)
@require_POST
def review(request: PalliareRequest, pk: int) -> HttpResponse:
    """Accept a delivery, or return it with a comment."""
    delivery = _visible_delivery(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.review_delivery(
                request.actor, delivery, accept=accept, comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The delivery is accepted.")
                if accept
                else _("The delivery is returned to the organisation with your comment."),
            )
            return HttpResponseRedirect(reverse("deliveries:detail", args=[delivery.pk]))
    return _detail(request, delivery, form, status=400)


@require_permission(Permission.REVIEW_DELIVERIES)
def completeness(request: PalliareRequest) -> HttpResponse:
    """Who delivered what for which period: per data set, organisations × periods; and the
    deliveries waiting for review, oldest first."""
    data_sets = list(DataSet.objects.filter(versions__isnull=False).distinct().order_by("name_nl"))
    chosen = next(
        (d for d in data_sets if str(d.pk) == request.GET.get("data_set", "")),
        data_sets[0] if data_sets else None,
    )
    today = timezone.localdate()
    year_text = request.GET.get("year", "")
    matrix = None
    years = list(range(today.year, today.year - 6, -1))
    year = int(year_text) if year_text.isdigit() and int(year_text) in years else None
    if chosen is not None:
        if year is not None:
            period_list = list(
                periods.between(
                    periods.year(year).start, periods.year(year).end, chosen.period_type
                )
            )
        else:
            count = DEFAULT_PERIODS if chosen.period_type == "quarter" else 5
            period_list = periods.ending_before(today, chosen.period_type, count)
        matrix = services.completeness(chosen, period_list, today=today)
    waiting = list(
        Delivery.objects.filter(status=DeliveryStatus.SUBMITTED)
        .select_related("organization", "data_set")
        .order_by("submitted_at", "pk")[:100]
    )
    return render(
        request,
        "deliveries/completeness.html",
        {
            "data_sets": data_sets,
            "chosen": chosen,
            "matrix": matrix,
            "years": years,
            "year": year,
            "waiting": waiting,
            "states": Completeness,
        },
    )


# --- data sets and elements (network coordinator) ---------------------------------------------


@require_permission(Permission.MANAGE_KPIS)
def data_sets(request: PalliareRequest) -> HttpResponse:
    """The data sets with their current version, and the data elements."""
    sets = list(DataSet.objects.prefetch_related("versions").order_by("name_nl"))
    rows = [(s, max(s.versions.all(), key=lambda v: v.number, default=None)) for s in sets]
    return render(
        request,
        "deliveries/data_sets.html",
        {"rows": rows, "elements": DataElement.objects.order_by("code")},
    )


@require_permission(Permission.MANAGE_KPIS)
def data_set_edit(request: PalliareRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a data set; a change of its content publishes a new version."""
    data_set = get_object_or_404(DataSet, pk=pk) if pk is not None else None
    current = data_set.current_version() if data_set else None
    initial = {}
    if current is not None:
        spec = current.spec
        elements = DataElement.objects.filter(code__in=spec.codes)
        initial = {
            "elements": elements,
            "optional": elements.filter(code__in=[e.code for e in spec.elements if not e.required]),
            "rules": "\n".join(str(r) for r in spec.rules),
            "deadline_days": current.deadline_days,
        }
    form = DataSetForm(request.POST or None, instance=data_set, initial=initial)
    if request.method == "POST" and form.is_valid():
        optional = set(form.cleaned_data["optional"])
        selections = [
            services.Selection(element, element not in optional)
            for element in form.cleaned_data["elements"]
        ]
        try:
            version = services.publish_data_set(
                request.actor,
                form.instance,
                selections=selections,
                rules=form.cleaned_data["parsed_rules"],
                deadline_days=form.cleaned_data["deadline_days"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if version is not None:
                messages.success(
                    request, _("Saved as version %(number)s.") % {"number": version.number}
                )
            else:
                messages.success(request, _("Saved; the content did not change."))
            return HttpResponseRedirect(reverse("deliveries:data_sets"))
    versions = list(data_set.versions.order_by("-number")) if data_set else []
    return render(
        request,
        "deliveries/data_set_form.html",
        {"form": form, "data_set": data_set, "versions": versions},
        status=400 if form.errors else 200,
    )


@require_permission(Permission.MANAGE_KPIS)
def element_edit(request: PalliareRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a data element."""
    element = get_object_or_404(DataElement, pk=pk) if pk is not None else None
    form = DataElementForm(request.POST or None, instance=element)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_element(request.actor, form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("The data element is saved."))
            return HttpResponseRedirect(reverse("deliveries:data_sets"))
    return render(
        request,
        "deliveries/element_form.html",
        {"form": form, "element": element},
        status=400 if form.errors else 200,
    )
