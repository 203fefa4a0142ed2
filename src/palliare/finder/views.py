"""The public care finder: inhabitants find hospices, volunteers, spiritual care at home and the
network near their postcode. No login; no bed numbers or anything internal."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from palliare.accounts.decorators import public
from palliare.capacity.search import organizations_near
from palliare.organizations.models import Organization

from .constants import GROUPS, NETWORK_TYPES
from .forms import PostcodeForm


@public
def care_finder(request: HttpRequest) -> HttpResponse:
    """Who can help near my postcode?"""
    form = PostcodeForm(request.GET or None)
    groups = []
    area = None
    if form.is_valid():
        area = form.cleaned_data["postcode"]
        groups = [
            (group, organizations_near(area, types=group.types, limit=group.limit))
            for group in GROUPS
        ]
        network = organizations_near(area, types=NETWORK_TYPES, limit=1)
        contact = network[0].organization if network else None
    else:
        contact = (
            Organization.objects.public().filter(type__in=NETWORK_TYPES).order_by("pk").first()
        )
    return render(
        request,
        "finder/finder.html",
        {"form": form, "area": area, "groups": groups, "contact": contact},
    )
