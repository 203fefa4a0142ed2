"""What an acute-care organisation knows about shared plans without opening one (decision 0011).

Acute-care staff reach a plan only by looking a patient up when they treat them. What the
organisation may know in advance is that plans exist in its area: per four-digit postcode area,
how many living patients have a plan shared with acute care. No name, no address, no record
number, no link: so nothing here is a read of one patient, and counts of 1–4 are shown as "<5"
(figures that leave the database are small-number suppressed)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.organizations.models import Organization, PostcodeArea, Subregion
from palliare.patients.constants import ConsentScope
from palliare.patients.models import Consent, Patient

#: Counts below this are shown as "<5".
SUPPRESS_BELOW = 5


@dataclass(frozen=True)
class AreaCount:
    """Shared plans in one postcode area of the organisation's area (count as shown)."""

    pc4: str
    place: str
    shown: str


@dataclass(frozen=True)
class AreaSummary:
    """The shared plans of an acute-care organisation's area: in total and per postcode area."""

    total: str
    areas: list[AreaCount]


def suppressed(count: int) -> str:
    """A count as it may leave the database: 0, "<5" for 1–4, the number from 5."""
    return "<5" if 0 < count < SUPPRESS_BELOW else str(count)


def area_postcodes(organization: Organization) -> QuerySet[PostcodeArea]:
    """The postcode areas an acute-care organisation serves: those of its subregion, or for a
    region-wide organisation (no subregion) those of the region its locations lie in."""
    if organization.subregion_id:
        return PostcodeArea.objects.filter(municipality__subregion_id=organization.subregion_id)
    regions = Subregion.objects.filter(
        municipalities__postcode_areas__locations__organization=organization
    ).values("region_id")
    return PostcodeArea.objects.filter(municipality__subregion__region_id__in=regions)


def shared_plans(actor: Actor) -> AreaSummary | None:
    """How many living patients in the actor's organisation's area have a current plan shared
    with acute care (active consent ``ACUTE_CARE``), per postcode area. None for an actor
    without the acute permission or organisation. Two queries; no patient is identified."""
    if not actor.has(Permission.VIEW_ACUTE_SUMMARY) or actor.organization is None:
        return None
    today = timezone.localdate()
    consent = Consent.objects.active(today).filter(
        patient=OuterRef("pk"), scope=ConsentScope.ACUTE_CARE
    )
    rows = (
        Patient.objects.filter(
            Q(date_of_death__isnull=True),
            care_plan__current_version__isnull=False,
            postcode_area__in=area_postcodes(actor.organization).values("pc4"),
        )
        .filter(Exists(consent))
        .order_by()
        .values("postcode_area_id", "postcode_area__place")
        .annotate(n=Count("pk"))
        .order_by("postcode_area_id")
    )
    areas = [
        AreaCount(row["postcode_area_id"], row["postcode_area__place"] or "", suppressed(row["n"]))
        for row in rows
    ]
    total = sum(int(row["n"]) for row in rows)
    return AreaSummary(suppressed(total), areas)
