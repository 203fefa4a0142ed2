"""The product's URLs plus the floor: a minimal view doing the acute view's indexed lookups
(patient by BSN, then patient + current plan version by id) through the same middleware and
access decorator, without templates, access-log writes or the care-team query."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import include, path

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.careplans.models import CarePlan
from palliare.patients.models import Patient


@require_permission(Permission.VIEW_ACUTE_SUMMARY)
def floor_search(request: HttpRequest) -> HttpResponse:
    pk = Patient.objects.filter(bsn=request.POST.get("bsn", "")).values_list("pk", flat=True)
    found = pk.first()
    if found is None:
        return HttpResponse("not found", status=404)
    return HttpResponseRedirect(f"/bench/floor/{found}/", status=303)


@require_permission(Permission.VIEW_ACUTE_SUMMARY)
def floor_open(request: HttpRequest, pk: int) -> HttpResponse:
    plan = (
        CarePlan.objects.select_related("patient", "current_version").filter(patient_id=pk).first()
    )
    if plan is None or plan.current_version is None:
        return HttpResponse("no plan", status=404)
    return HttpResponse(
        f"<p>{plan.patient.full_name}: {plan.current_version.resuscitation}</p>",
        content_type="text/html",
    )


urlpatterns = [
    path("bench/floor/search/", floor_search),
    path("bench/floor/<int:pk>/", floor_open),
    path("", include("palliare.urls")),
]
