"""Demo data sets and deliveries 2022 up to the last complete quarter, so that the completeness
page shows a realistic picture: mostly accepted, some delivered late, some returned and
corrected, the latest quarter partly waiting for review and partly missing. The demo
controller's organisation (Wijkzorg Zandgrond) has its latest quarter still to deliver and an
earlier one returned with a comment.

The data elements and figures are invented for the demo; they are not the network's adopted
measurement plan.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Organization
from palliare.ui import demo

from . import periods
from .constants import Channel, DeliveryStatus, PeriodType, ValueType
from .models import DataElement, DataSet, DataSetVersion, Delivery, DeliveryValue
from .schema import RuleSpec
from .services import Selection, definition_from

CONTROLLER_ORGANIZATION = "Wijkzorg Zandgrond"
FIRST_YEAR = 2022

# code, Dutch name, English name, value type, unit, help text
ELEMENTS = [
    (
        "zh_consulten",
        "Consulten palliatief team",
        "Palliative-team consultations",
        ValueType.INTEGER,
        "consulten",
        "Alle consulten van het palliatief team in het kwartaal.",
    ),
    (
        "zh_consulten_pzp",
        "Consulten met besproken proactieve zorgplanning",
        "Consultations where advance care planning was discussed",
        ValueType.INTEGER,
        "consulten",
        "Consulten waarin wensen en grenzen zijn besproken en vastgelegd.",
    ),
    (
        "zh_overleden",
        "Overleden patiënten in het ziekenhuis",
        "Patients who died in hospital",
        ValueType.INTEGER,
        "patiënten",
        "",
    ),
    (
        "zh_overleden_niet_onverwacht",
        "waarvan niet onverwacht overleden",
        "of whom died not unexpectedly",
        ValueType.INTEGER,
        "patiënten",
        "",
    ),
    ("hospice_opnames", "Opnames", "Admissions", ValueType.INTEGER, "opnames", ""),
    (
        "hospice_opnames_met_izp",
        "Opnames met een individueel zorgplan bij opname",
        "Admissions with a care plan at admission",
        ValueType.INTEGER,
        "opnames",
        "",
    ),
    ("hospice_ligdagen", "Ligdagen", "Bed days", ValueType.INTEGER, "dagen", ""),
    (
        "hospice_afgewezen_vol",
        "Aanvragen afgewezen omdat het hospice vol was",
        "Requests refused because the hospice was full",
        ValueType.INTEGER,
        "aanvragen",
        "",
    ),
    (
        "wv_palliatieve_clienten",
        "Palliatieve cliënten in zorg",
        "Palliative clients in care",
        ValueType.INTEGER,
        "cliënten",
        "",
    ),
    (
        "wv_clienten_met_izp",
        "waarvan met individueel zorgplan",
        "of whom with a care plan",
        ValueType.INTEGER,
        "cliënten",
        "",
    ),
    (
        "wv_thuis_overleden",
        "Cliënten thuis overleden",
        "Clients who died at home",
        ValueType.INTEGER,
        "cliënten",
        "",
    ),
    (
        "wv_aandeel_geschoold",
        "Aandeel verpleegkundigen geschoold in palliatieve zorg",
        "Share of nurses trained in palliative care",
        ValueType.PERCENTAGE,
        "%",
        "",
    ),
    (
        "wv_24uur_bereikbaar",
        "Dag en nacht palliatief deskundige bereikbaar",
        "Palliative expertise reachable day and night",
        ValueType.YES_NO,
        "",
        "",
    ),
]

# code, Dutch name, English name, organisation type, element codes (optional ones marked "?"),
# rules
DATA_SETS = [
    (
        "zh_kwartaal",
        "Ziekenhuis: palliatieve zorg per kwartaal",
        "Hospital: palliative care per quarter",
        OrganizationType.HOSPITAL,
        ["zh_consulten", "zh_consulten_pzp", "zh_overleden", "zh_overleden_niet_onverwacht"],
        [
            ("zh_consulten_pzp", "<=", "zh_consulten"),
            ("zh_overleden_niet_onverwacht", "<=", "zh_overleden"),
        ],
    ),
    (
        "hospice_kwartaal",
        "Hospice: opnames per kwartaal",
        "Hospice: admissions per quarter",
        OrganizationType.HOSPICE,
        [
            "hospice_opnames",
            "hospice_opnames_met_izp",
            "hospice_ligdagen",
            "?hospice_afgewezen_vol",
        ],
        [("hospice_opnames_met_izp", "<=", "hospice_opnames")],
    ),
    (
        "wv_kwartaal",
        "Wijkverpleging: palliatieve zorg thuis per kwartaal",
        "District nursing: palliative care at home per quarter",
        OrganizationType.DISTRICT_NURSING,
        [
            "wv_palliatieve_clienten",
            "wv_clienten_met_izp",
            "wv_thuis_overleden",
            "?wv_aandeel_geschoold",
            "?wv_24uur_bereikbaar",
        ],
        [
            ("wv_clienten_met_izp", "<=", "wv_palliatieve_clienten"),
            ("wv_thuis_overleden", "<=", "wv_palliatieve_clienten"),
        ],
    ),
]


def _values(code: str, rng: random.Random, progress: float) -> dict[str, Decimal | None]:
    """Plausible figures; ``progress`` (0 → 1 from 2022 to now) makes the plan shares grow."""
    if code == "zh_kwartaal":
        consultations = rng.randint(60, 140)
        deaths = rng.randint(70, 130)
        return {
            "zh_consulten": Decimal(consultations),
            "zh_consulten_pzp": Decimal(
                int(consultations * rng.uniform(0.2, 0.35 + 0.3 * progress))
            ),
            "zh_overleden": Decimal(deaths),
            "zh_overleden_niet_onverwacht": Decimal(int(deaths * rng.uniform(0.55, 0.75))),
        }
    if code == "hospice_kwartaal":
        admissions = rng.randint(12, 30)
        return {
            "hospice_opnames": Decimal(admissions),
            "hospice_opnames_met_izp": Decimal(
                int(admissions * rng.uniform(0.15, 0.3 + 0.4 * progress))
            ),
            "hospice_ligdagen": Decimal(admissions * rng.randint(12, 24)),
            "hospice_afgewezen_vol": Decimal(rng.randint(0, 6)) if rng.random() > 0.2 else None,
        }
    clients = rng.randint(40, 120)
    return {
        "wv_palliatieve_clienten": Decimal(clients),
        "wv_clienten_met_izp": Decimal(int(clients * rng.uniform(0.2, 0.35 + 0.4 * progress))),
        "wv_thuis_overleden": Decimal(int(clients * rng.uniform(0.15, 0.3))),
        "wv_aandeel_geschoold": Decimal(rng.randint(30, 60) + int(25 * progress)),
        "wv_24uur_bereikbaar": Decimal(1 if rng.random() < 0.5 + 0.5 * progress else 0),
    }


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)))
    )


def _deliver(
    data_set: DataSet,
    version: DataSetVersion,
    org: Organization,
    period: periods.Period,
    values: dict[str, Decimal | None],
    *,
    number: int,
    status: str,
    day: dt.date,
    rng: random.Random,
    comment: str = "",
) -> Delivery:
    deadline = period.deadline(version.deadline_days)
    submitted = _moment(day, rng)
    delivery = Delivery.objects.create(
        data_set=data_set,
        version=version,
        organization=org,
        period_start=period.start,
        period_end=period.end,
        number=number,
        status=status,
        channel=Channel.UPLOAD if rng.random() < 0.8 else Channel.API,
        file_name=f"aanlevering-{data_set.code}-{period.label}.xlsx",
        deadline=deadline,
        is_late=day > deadline,
        submitted_at=submitted,
        submitted_by_name="Business controller (demo)",
        review_comment=comment,
        reviewed_at=submitted + dt.timedelta(days=rng.randint(2, 9))
        if status in (DeliveryStatus.ACCEPTED, DeliveryStatus.RETURNED)
        else None,
        reviewed_by_name="Pieter Tuinstra"
        if status in (DeliveryStatus.ACCEPTED, DeliveryStatus.RETURNED)
        else "",
    )
    DeliveryValue.objects.bulk_create(
        DeliveryValue(delivery=delivery, element_code=c, value=v) for c, v in values.items()
    )
    return delivery


RETURN_COMMENTS = [
    "Het aantal met zorgplan lijkt hoog ten opzichte van vorig kwartaal. Wilt u dit nakijken?",
    "Het aantal overledenen wijkt sterk af van de CBS-cijfers. Graag controleren.",
    "De ligdagen passen niet bij het aantal opnames. Wilt u de telling nagaan?",
]


@demo.register("deliveries", order=70)
@transaction.atomic
def load(rng: random.Random) -> str:
    """Data elements, three data sets and deliveries since 2022."""
    if DataSet.objects.filter(code="wv_kwartaal").exists():
        return "already loaded"
    elements = {}
    for code, name_nl, name_en, value_type, unit, help_text in ELEMENTS:
        elements[code], _created = DataElement.objects.get_or_create(
            code=code,
            defaults={
                "name_nl": name_nl,
                "name_en": name_en,
                "value_type": value_type,
                "unit": unit,
                "help_text": help_text,
            },
        )
    today = timezone.localdate()
    total = 0
    for code, name_nl, name_en, org_type, codes, rules in DATA_SETS:
        data_set = DataSet.objects.create(
            code=code,
            name_nl=name_nl,
            name_en=name_en,
            organization_type=org_type,
            period_type=PeriodType.QUARTER,
        )
        selections = [
            Selection(elements[c.lstrip("?")], required=not c.startswith("?")) for c in codes
        ]
        version = DataSetVersion.objects.create(
            data_set=data_set,
            number=1,
            definition=definition_from(selections, [RuleSpec(*r) for r in rules]).to_json(),
            deadline_days=42,
            note="Eerste versie (demo)",
            created_by_name="Nina Smit",
            created_at=timezone.make_aware(dt.datetime(FIRST_YEAR, 1, 10, 9, 0)),
        )
        organizations = list(
            Organization.objects.filter(type=org_type, is_active=True).order_by("name", "pk")
        )
        quarters = [
            p
            for p in periods.between(dt.date(FIRST_YEAR, 1, 1), today, PeriodType.QUARTER)
            if p.end < today
        ]
        for org in organizations:
            is_controller = org.name == CONTROLLER_ORGANIZATION
            for index, period in enumerate(quarters):
                deadline = period.deadline(version.deadline_days)
                progress = index / max(1, len(quarters) - 1)
                last = index == len(quarters) - 1
                values = _values(code, rng, progress)
                if last:
                    # The latest quarter: the controller's organisation has not delivered yet;
                    # others partly wait for review, partly are missing.
                    if is_controller or rng.random() < 0.35 or today <= period.end:
                        continue
                    day = min(today, period.end + dt.timedelta(days=rng.randint(5, 40)))
                    _deliver(
                        data_set,
                        version,
                        org,
                        period,
                        values,
                        number=1,
                        status=DeliveryStatus.SUBMITTED,
                        day=day,
                        rng=rng,
                    )
                    total += 1
                    continue
                late = rng.random() < 0.15
                day = (
                    deadline + dt.timedelta(days=rng.randint(3, 30))
                    if late
                    else (period.end + dt.timedelta(days=rng.randint(7, 40)))
                )
                day = min(day, today)
                returned = (is_controller and index == len(quarters) - 2) or rng.random() < 0.1
                if returned:
                    wrong = dict(values)
                    first_code = next(iter(wrong))
                    wrong[first_code] = (wrong[first_code] or Decimal(0)) + rng.randint(15, 40)
                    _deliver(
                        data_set,
                        version,
                        org,
                        period,
                        wrong,
                        number=1,
                        status=DeliveryStatus.RETURNED,
                        day=day,
                        rng=rng,
                        comment=rng.choice(RETURN_COMMENTS),
                    )
                    total += 1
                    if is_controller and index == len(quarters) - 2:
                        continue  # the controller still has to correct this one
                    day = min(today, day + dt.timedelta(days=rng.randint(5, 20)))
                    _deliver(
                        data_set,
                        version,
                        org,
                        period,
                        values,
                        number=2,
                        status=DeliveryStatus.ACCEPTED,
                        day=day,
                        rng=rng,
                    )
                else:
                    _deliver(
                        data_set,
                        version,
                        org,
                        period,
                        values,
                        number=1,
                        status=DeliveryStatus.ACCEPTED,
                        day=day,
                        rng=rng,
                    )
                total += 1
    return f"3 data sets, {total} deliveries"
