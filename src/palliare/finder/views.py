"""The public care finder: inhabitants find hospices, volunteers, spiritual care at home and the
network near their postcode, with the network's offline map. No login; no bed numbers or
anything internal. A postcode outside the network's subregions gets the national finder, by the
same mapping "Who do I call now?" uses."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from palliare.accounts.decorators import public
from palliare.capacity.maps import MapPoint, RegionMap, region_map
from palliare.capacity.search import OrganizationHit, organizations_near
from palliare.consultations import services as consultations
from palliare.organizations.models import Organization, PostcodeArea

from .constants import GROUPS, NETWORK_TYPES, PLACE_STATE, Group
from .forms import PostcodeForm


def _points(numbered: list[tuple[int, OrganizationHit]]) -> list[MapPoint]:
    points = []
    for number, hit in numbered:
        area = hit.location.postcode_area
        assert area is not None  # organizations_near leaves out locations without one
        points.append(
            MapPoint(area.latitude, area.longitude, hit.organization.name, PLACE_STATE, number)
        )
    return points


@public
def care_finder(request: HttpRequest) -> HttpResponse:
    """Who can help near my postcode?"""
    form = PostcodeForm(request.GET or None)
    groups: list[tuple[Group, list[tuple[int, OrganizationHit]]]] = []
    area: PostcodeArea | None = None
    outside = False
    region: RegionMap | None = None
    contact: Organization | None = None
    if form.is_valid():
        area = form.cleaned_data["postcode"]
        try:
            consultations.find_postcode_area(area.pk)
        except consultations.OutsideNetwork:
            outside = True
    if area is not None and not outside:
        number = 0
        points: list[MapPoint] = []
        for group in GROUPS:
            numbered = []
            for hit in organizations_near(area, types=group.types, limit=group.limit):
                number += 1
                numbered.append((number, hit))
            points += _points(numbered)
            groups.append((group, numbered))
        network = organizations_near(area, types=NETWORK_TYPES, limit=1)
        contact = network[0].organization if network else None
        region = region_map(
            points,
            origin=area,
            origin_label=_("Your postcode %(pc4)s") % {"pc4": area.pk},
        )
    if contact is None:
        contact = (
            Organization.objects.public().filter(type__in=NETWORK_TYPES).order_by("pk").first()
        )
    return render(
        request,
        "finder/finder.html",
        {
            "form": form,
            "area": area,
            "outside": outside,
            "national_finder": settings.NATIONAL_CARE_FINDER_URL,
            "groups": groups,
            "contact": contact,
            "map": region,
        },
    )
