"""The regional directory: organisations, their people and contact details; regions."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest

from .forms import DirectorySearchForm
from .models import Location, Membership, Organization, Region


@require_permission(Permission.VIEW_DIRECTORY)
def organization_list(request: PalliareRequest) -> HttpResponse:
    """Who is who in the region: search organisations by name, place, type and subregion."""
    form = DirectorySearchForm(request.GET or None)
    organizations = (
        Organization.objects.active()
        .select_related("subregion")
        .prefetch_related(Prefetch("locations", queryset=Location.objects.filter(is_main=True)))
        .order_by("name")
    )
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            organizations = organizations.filter(
                Q(name__icontains=q) | Q(agb_code=q) | Q(locations__city__icontains=q)
            ).distinct()
        if form.cleaned_data["type"]:
            organizations = organizations.filter(type=form.cleaned_data["type"])
        if form.cleaned_data["subregion"]:
            organizations = organizations.filter(subregion=form.cleaned_data["subregion"])
    page = Paginator(organizations, 50).get_page(request.GET.get("page"))
    template = (
        "organizations/partials/organization_rows.html"
        if request.htmx
        else "organizations/organization_list.html"
    )
    return render(request, template, {"form": form, "page": page})


@require_permission(Permission.VIEW_DIRECTORY)
def organization_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    """One organisation: how to reach it, where it is, who works there."""
    organization = get_object_or_404(
        Organization.objects.select_related("subregion", "parent"), pk=pk, is_active=True
    )
    memberships = (
        Membership.objects.current()
        .filter(organization=organization, professional__is_active=True)
        .select_related("professional", "role")
        .order_by("professional__family_name")
    )
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "locations": organization.locations.select_related("postcode_area"),
            "memberships": memberships,
        },
    )


@require_permission(Permission.VIEW_DIRECTORY)
def region_overview(request: PalliareRequest) -> HttpResponse:
    """The regions, their subregional networks and which municipalities belong to each."""
    regions = Region.objects.prefetch_related("subregions__municipalities")
    return render(request, "organizations/region_overview.html", {"regions": regions})
