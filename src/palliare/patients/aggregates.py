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
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
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


def patient_areas() -> dict[str, Any]:
    """The area keys of a row with a ``patient``: region and subregion of where the patient
    lives (their postcode's municipality), else of their GP practice; municipality; practice."""
    return {
        "region_id": Coalesce(
            "patient__postcode_area__municipality__subregion__region_id",
            "patient__gp_practice__subregion__region_id",
        ),
        "subregion_id": Coalesce(
            "patient__postcode_area__municipality__subregion_id",
            "patient__gp_practice__subregion_id",
        ),
        "municipality_id": F("patient__postcode_area__municipality_id"),
        "practice_id": F("patient__gp_practice_id"),
    }


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
        **patient_areas(),
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


class DaysBetween(Func):
    """Whole days from the second date to the first, as an integer, on both databases."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def _age_at_death() -> Any:
    return ExpressionWrapper(
        ExtractYear("date_of_death") - F("born_y") - F("birthday_later"),
        output_field=IntegerField(),
    )


def _age_band() -> Case:
    """The age band of :data:`AGE_BANDS` from the ``age_at_death`` annotation."""
    return Case(
        *(
            When(Q(age_at_death__gte=low, age_at_death__lt=high), then=Value(band))
            for band, low, high in AGE_BANDS
        ),
        default=Value(""),
        output_field=CharField(),
    )


def death_cells(
    deaths: QuerySet[DeathRegistration],
    conditions: Mapping[str, Q],
    *,
    sets: Sequence[tuple[str, ...]],
    extra_keys: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Counts already summed per grouping set: for each set of keys (e.g. ``("region_id",)``,
    ``("subregion_id", "age_band")``), each combined with ``died_quarter`` and ``extra_keys``,
    the number of deaths (``total``) and per named condition how many meet it. Keys outside a
    row's set are None; ``grouping_set`` is the set's index. One query: the deaths are selected
    once (a common table expression) and grouped once per set (UNION ALL) — portable GROUPING
    SETS, so the caller adds up a handful of rows per area instead of one per death."""
    qs = deaths.annotate(age_at_death=_age_at_death()).annotate(age_band=_age_band())
    return grouped_counts(qs, conditions, sets=sets, always=("died_quarter", *extra_keys))


def grouped_counts(
    qs: QuerySet[Any],
    conditions: Mapping[str, Q],
    *,
    sets: Sequence[tuple[str, ...]],
    always: tuple[str, ...],
) -> list[dict[str, Any]]:
    """Portable GROUPING SETS: for each set of keys, combined with the ``always`` keys, the
    number of rows of ``qs`` (``total``) and per named condition how many meet it; keys outside
    a row's set are None and ``grouping_set`` is the set's index. One query: the rows are
    selected once (a common table expression) and grouped once per set (UNION ALL)."""
    flags = {
        f"c_{name}": Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField())
        for name, q in conditions.items()
    }
    qs = qs.annotate(**flags)
    columns = sorted({key for keys in sets for key in keys} | set(always))
    inner = qs.values(*columns, *flags).order_by()
    sql, params = inner.query.get_compiler(using=inner.db).as_sql()
    connection = connections[inner.db]
    qn = connection.ops.quote_name
    branches = []
    for index, keys in enumerate(sets):
        grouped = [c for c in columns if c in keys or c in always]
        select = [f"{index} AS grouping_set"]
        # A key outside the set is NULL, typed as its column (PostgreSQL types a UNION's
        # columns from its first branch; a bare NULL would be text).
        select += [
            qn(c) if c in grouped else f"MIN(CASE WHEN 1 = 0 THEN {qn(c)} END) AS {qn(c)}"
            for c in columns
        ]
        select.append("COUNT(*) AS total")
        select += [f"SUM({qn(f'c_{name}')}) AS {qn(name)}" for name in conditions]
        group_by = ", ".join(qn(c) for c in grouped)
        # Names are this module's column names, quoted; values travel as parameters.
        branches.append(f"SELECT {', '.join(select)} FROM cte GROUP BY {group_by}")  # noqa: S608
    query = f"WITH cte AS ({sql}) " + " UNION ALL ".join(branches)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [col[0] for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def supports_percentiles() -> bool:
    """Whether the register's database computes percentiles in the query (PostgreSQL's
    ordered-set aggregates); elsewhere the caller adds up distributions."""
    return bool(connections[router.db_for_read(DeathRegistration)].vendor == "postgresql")


def death_medians(
    deaths: QuerySet[DeathRegistration],
    *,
    value: str,
    sets: Sequence[tuple[str, ...]],
) -> list[dict[str, Any]]:
    """PostgreSQL only (see :func:`supports_percentiles`): per grouping set of ``sets``, for
    the year (``died_quarter`` None) and for each quarter, the number of deaths (``total``)
    and the median of ``value`` (an integer annotation of ``deaths``) as ``percentile_cont(0.5)``
    — the mean of the two middle values when n is even, as the distributions elsewhere. A set
    with ``practice_id`` counts per organisation: the GP practice's deaths and those of every
    other organisation in the care team before the death, each death once per organisation.
    ``grouping_set`` is the set's index. One query; one row per area, not per death."""
    qs = deaths.annotate(age_at_death=_age_at_death()).annotate(age_band=_age_band())
    columns = sorted({key for keys in sets for key in keys} | {"died_quarter"})
    inner = qs.values("pk", *columns, value).order_by()
    team = (
        deaths.filter(patient__care_team__started_at__date__lte=F("date_of_death"))
        .annotate(team_org_id=F("patient__care_team__organization_id"))
        .exclude(team_org_id=F("practice_id"))
        .values("pk", "team_org_id")
        .order_by()
    )
    connection = connections[inner.db]
    qn = connection.ops.quote_name
    inner_sql, inner_params = inner.query.get_compiler(using=inner.db).as_sql()
    team_sql, team_params = team.query.get_compiler(using=team.db).as_sql()
    pk = qn("pk")  # values("pk") names the column "pk"
    v, q, practice = qn(value), qn("died_quarter"), qn("practice_id")
    # The organisation area: every death once per organisation it counts for (UNION drops a
    # second care-team member of the same organisation).
    orgs = (  # Quoted column names of this module, no values.
        f"SELECT {pk}, {q}, {v}, {practice} FROM deaths WHERE {practice} IS NOT NULL "  # noqa: S608
        f"UNION SELECT d.{pk}, d.{q}, d.{v}, t.{qn('team_org_id')} "
        f"FROM deaths d JOIN team t ON t.{pk} = d.{pk}"
    )
    # The organisation sets last: the first branch types the UNION's columns, so the later
    # branches may write a bare NULL.
    ordered = sorted(enumerate(sets), key=lambda item: "practice_id" in item[1])
    branches = []
    for index, keys in ordered:
        for by_quarter in (False, True):
            grouped = [c for c in columns if c in keys or (by_quarter and c == "died_quarter")]
            source = "orgs" if "practice_id" in keys else "deaths"
            select = [f"{index} AS grouping_set"]
            for c in columns:
                if c in grouped:
                    select.append(qn(c))
                elif source == "orgs":
                    select.append(f"NULL AS {qn(c)}")
                else:
                    select.append(f"MIN(CASE WHEN 1 = 0 THEN {qn(c)} END) AS {qn(c)}")
            select.append("COUNT(*) AS total")
            select.append(f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {v}) AS median")
            group_by = ", ".join(qn(c) for c in grouped)
            # Names are this module's column names, quoted; values travel as parameters.
            branches.append(
                f"SELECT {', '.join(select)} FROM {source} GROUP BY {group_by}"  # noqa: S608
            )
    query = (
        f"WITH deaths AS ({inner_sql}), team AS ({team_sql}), orgs AS ({orgs}) "
        + " UNION ALL ".join(branches)
    )
    with connection.cursor() as cursor:
        cursor.execute(query, (*inner_params, *team_params))
        names = [col[0] for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def count_deaths_by_care_team(
    deaths: QuerySet[DeathRegistration],
    conditions: Mapping[str, Q],
    *,
    extra_keys: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Grouped counts per organisation that was in the patient's care team (a member who
    started on or before the death) — district nursing, a hospice, a hospital — other than the
    patient's GP practice (counted as the practice already), per quarter and ``extra_keys``:
    ``team_org_id``, ``died_quarter``, ``total`` and one count per condition. A death counts
    once per organisation however many of its people were in the team. One query."""
    measures = {name: Count("pk", filter=q, distinct=True) for name, q in conditions.items()}
    team = (
        deaths.filter(patient__care_team__started_at__date__lte=F("date_of_death"))
        .annotate(team_org_id=F("patient__care_team__organization_id"))
        .exclude(team_org_id=F("practice_id"))
    )
    rows = (
        team.values("team_org_id", "died_quarter", *extra_keys)
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


def marking_contact_counts(
    start: dt.date, end: dt.date, *, within_days: int, sets: Sequence[tuple[str, ...]]
) -> list[dict[str, Any]]:
    """Markings dated in [start, end): per grouping set of ``sets`` (area keys and
    ``diagnosis_group``; see :func:`grouped_counts`) and quarter of the marking, how many
    (``total``) and how many had a central contact named at most ``within_days`` days after the
    marking date (``within``; a contact named before the marking counts too) — counts, no
    patients. One query."""
    contact_in_time = CareTeamMember.objects.filter(
        patient=OuterRef("patient"),
        is_central_contact=True,
        started_at__date__lte=ExpressionWrapper(
            OuterRef("marked_on") + dt.timedelta(days=within_days), output_field=DateField()
        ),
    )
    markings = Marking.objects.filter(marked_on__gte=start, marked_on__lt=end).annotate(
        **patient_areas(),
        marked_quarter=ExtractQuarter("marked_on"),
    )
    return grouped_counts(
        markings, {"within": Q(Exists(contact_in_time))}, sets=sets, always=("marked_quarter",)
    )
