"""Counts over the register for monitoring (issue 15): aggregates only, never an individual.

Every function here returns grouped counts keyed by area (region, subregion, municipality,
GP practice, or an organisation in the care team), age band and diagnosis group — no patient
id, name or record. Other apps add their
own conditions (a care plan, a meeting) as ``Q``/``Exists`` expressions on the death
registrations and call :func:`count_deaths`; the monitoring app turns the groups into KPI values.
Reading here is statistics, not care: the caller records one audit event per recomputation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractQuarter,
    ExtractYear,
)

from .constants import PlaceOfDeath, YesNoUnknown
from .models import (
    BurdenCheck,
    CareTeamMember,
    DeathRegistration,
    InformalCaregiver,
    Marking,
    VolunteerDeployment,
)

#: Age bands at death (upper bound exclusive), as monitoring reports them.
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-64", 0, 65),
    ("65-74", 65, 75),
    ("75-84", 75, 85),
    ("85+", 85, 200),
)

#: The grouping keys every count carries.
AREA_KEYS = ("region_id", "subregion_id", "municipality_id", "practice_id")
GROUP_KEYS = (*AREA_KEYS, "born_y", "birthday_later", "died_quarter", "diagnosis_group")


def age_band(year_of_death: int, born_year: int, birthday_later: int) -> str:
    """The age band at death from the grouping keys of :func:`deaths_between`."""
    age = year_of_death - born_year - birthday_later
    return next((band for band, low, high in AGE_BANDS if low <= age < high), "")


def deaths_between(start: dt.date, end: dt.date) -> QuerySet[DeathRegistration]:
    """The current death registration (the newest version) of each patient who died on or after
    ``start`` and before ``end`` (within one calendar year), annotated with the grouping keys of
    :data:`GROUP_KEYS` (the age band follows from ``born_y`` and ``birthday_later`` through
    :func:`age_band`; ``died_quarter`` lets one query serve a year and its quarters)."""
    newer = DeathRegistration.objects.filter(
        patient=OuterRef("patient"), version__gt=OuterRef("version")
    )
    qs = DeathRegistration.objects.filter(date_of_death__gte=start, date_of_death__lt=end).exclude(
        Exists(newer)
    )
    birthday_later = Q(born_m__gt=F("died_m")) | Q(born_m=F("died_m"), born_d__gt=F("died_d"))
    qs = qs.annotate(
        born_y=ExtractYear("patient__date_of_birth"),
        born_m=ExtractMonth("patient__date_of_birth"),
        born_d=ExtractDay("patient__date_of_birth"),
        died_m=ExtractMonth("date_of_death"),
        died_d=ExtractDay("date_of_death"),
    )
    return qs.annotate(
        birthday_later=Case(When(birthday_later, then=Value(1)), default=Value(0)),
        died_quarter=ExtractQuarter("date_of_death"),
        region_id=Coalesce(
            "patient__postcode_area__municipality__subregion__region_id",
            "patient__gp_practice__subregion__region_id",
        ),
        subregion_id=Coalesce(
            "patient__postcode_area__municipality__subregion_id",
            "patient__gp_practice__subregion_id",
        ),
        municipality_id=F("patient__postcode_area__municipality_id"),
        practice_id=F("patient__gp_practice_id"),
        diagnosis_group=F("patient__diagnosis_group"),
    )


def count_deaths(
    deaths: QuerySet[DeathRegistration],
    conditions: Mapping[str, Q],
    *,
    extra_keys: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Grouped counts: per combination of :data:`GROUP_KEYS` (and ``extra_keys``, fields or
    annotations of ``deaths``) the number of deaths (``total``) and, per named condition, how
    many meet it. One query."""
    measures = {name: Count("pk", filter=q) for name, q in conditions.items()}
    rows = (
        deaths.values(*GROUP_KEYS, *extra_keys).annotate(total=Count("pk"), **measures).order_by()
    )
    return list(rows)


def count_deaths_by_care_team(
    deaths: QuerySet[DeathRegistration],
    conditions: Mapping[str, Q],
    *,
    extra_keys: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Grouped counts per organisation that was in the patient's care team (a member who
    started on or before the death) — district nursing, a hospice, a hospital — beside the GP
    practice, quarter and ``extra_keys``: ``team_org_id``, ``practice_id``, ``died_quarter``,
    ``total`` and one count per condition. A death counts once per organisation however many of
    its people were in the team. One query. The caller leaves out rows whose organisation is
    the GP practice itself (already counted as the practice)."""
    measures = {name: Count("pk", filter=q, distinct=True) for name, q in conditions.items()}
    team = deaths.filter(
        patient__care_team__started_at__date__lte=F("date_of_death"),
    ).annotate(team_org_id=F("patient__care_team__organization_id"))
    rows = (
        team.values("team_org_id", "practice_id", "died_quarter", *extra_keys)
        .annotate(total=Count("pk", distinct=True), **measures)
        .order_by()
    )
    return list(rows)


# --- conditions other apps combine ---------------------------------------------------------


def expected() -> Q:
    """The death was not unexpected (the registration says it was expected)."""
    return Q(expected=YesNoUnknown.YES)


def registered_plan() -> Q:
    """The death registration states that an individual care plan existed."""
    return Q(had_care_plan=YesNoUnknown.YES)


def marked_before_death() -> Q:
    """A marking of the palliative phase dated on or before the death."""
    return Q(
        Exists(
            Marking.objects.filter(
                patient=OuterRef("patient"), marked_on__lte=OuterRef("date_of_death")
            )
        )
    )


def first_marked_on() -> Subquery:
    """The first marking date on or before the death (for time from marking to death)."""
    return Subquery(
        Marking.objects.filter(
            patient=OuterRef("patient"), marked_on__lte=OuterRef("date_of_death")
        )
        .order_by("marked_on")
        .values("marked_on")[:1]
    )


def consent_for(scope: str) -> Q:
    """Consent for ``scope`` given on or before the death and not withdrawn before it."""
    from .models import Consent

    given = Consent.objects.filter(
        patient=OuterRef("patient"), scope=scope, given_on__lte=OuterRef("date_of_death")
    ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=OuterRef("date_of_death")))
    return Q(Exists(given))


def has_caregiver() -> Q:
    return Q(Exists(InformalCaregiver.objects.filter(patient=OuterRef("patient"))))


def caregiver_checked_before_death() -> Q:
    """A burden check of one of the patient's informal caregivers on or before the death."""
    return Q(
        Exists(
            BurdenCheck.objects.filter(
                caregiver__patient=OuterRef("patient"), checked_on__lte=OuterRef("date_of_death")
            )
        )
    )


def volunteer_before_death() -> Q:
    """A terminal-care volunteer was active for the patient (recorded before the death)."""
    from .constants import VolunteerStatus

    return Q(
        Exists(
            VolunteerDeployment.objects.filter(
                patient=OuterRef("patient"),
                status=VolunteerStatus.ACTIVE,
                created_at__date__lte=OuterRef("date_of_death"),
            )
        )
    )


def place_is(place: str) -> Q:
    return Q(place_of_death=place)


PLACES = [p.value for p in PlaceOfDeath]


def marking_contact_counts(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Markings dated in [start, end): per area, diagnosis group, marking date and the date the
    first central contact was named (None when never) — counts, no patients. Monitoring decides
    "within 14 days" from the two dates."""
    first_contact = Subquery(
        CareTeamMember.objects.filter(patient=OuterRef("patient"), is_central_contact=True)
        .order_by("started_at")
        .values("started_at")[:1]
    )
    rows = (
        Marking.objects.filter(marked_on__gte=start, marked_on__lt=end)
        .annotate(
            region_id=Coalesce(
                "patient__postcode_area__municipality__subregion__region_id",
                "patient__gp_practice__subregion__region_id",
            ),
            subregion_id=Coalesce(
                "patient__postcode_area__municipality__subregion_id",
                "patient__gp_practice__subregion_id",
            ),
            municipality_id=F("patient__postcode_area__municipality_id"),
            practice_id=F("patient__gp_practice_id"),
            contact_at=first_contact,
        )
        .values(*AREA_KEYS, "diagnosis_group", "marked_on", "contact_at")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return list(rows)
