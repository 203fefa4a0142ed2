"""The scenario parameters, declared once: the edit form, its validation, the side-by-side
display, the XLSX export and the projection all derive from :data:`PARAMETERS`.

Every parameter has a value and a source text (where the value comes from: "CBS 2023",
"Kwaliteitskader", "aanname stuurgroep"); both are stored per scenario version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .constants import GrowthMethod


def _this_year() -> int:
    return timezone.localdate().year


@dataclass(frozen=True)
class Parameter:
    """One assumption of a scenario: what it means, its unit and the values it may take."""

    key: str
    label: str | Promise
    unit: str | Promise
    help: str | Promise
    group: str
    default: Decimal | str
    default_source: str
    #: Inclusive bounds, except where ``*_exclusive`` says otherwise.
    minimum: Decimal | Callable[[], Decimal] = Decimal(0)
    maximum: Decimal | Callable[[], Decimal] = Decimal(100)
    minimum_exclusive: bool = False
    decimals: int = 1
    choices: tuple[tuple[str, str | Promise], ...] = ()
    #: Shown only for this growth method (None: always relevant).
    method: str | None = None
    #: The age groups of CBS 83502NED this mortality rate applies to (age-structure method).
    age_groups: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    def bounds(self) -> tuple[Decimal, Decimal]:
        low = self.minimum() if callable(self.minimum) else self.minimum
        high = self.maximum() if callable(self.maximum) else self.maximum
        return low, high


GROUPS: tuple[tuple[str, str | Promise], ...] = (
    ("horizon", _("Horizon")),
    ("deaths", _("Expected deaths")),
    ("age", _("Age structure: deaths per 1,000 inhabitants per year")),
    ("beds", _("Hospice beds")),
    ("specialists", _("Palliative care specialists")),
)

_CBS_RATES = (
    "CBS 80202NED (overledenen Drenthe, gemiddelde 2016–2018) gedeeld door CBS 83502NED "
    "(inwoners Drenthe 1-1-2021)"
)


def _rate(key: str, label: str, groups: tuple[str, ...], default: str) -> Parameter:
    return Parameter(
        key=key,
        label=label,
        unit=_("per 1,000"),
        help=_("Deaths per 1,000 inhabitants of this age group per year."),
        group="age",
        default=Decimal(default),
        default_source=_CBS_RATES,
        maximum=Decimal(1000),
        decimals=2,
        method=GrowthMethod.AGE,
        age_groups=groups,
    )


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        key="start_year",
        label=_("Start year"),
        unit=_("year"),
        help=_("The year the five- and ten-year horizons are counted from."),
        group="horizon",
        default="",  # the current year when a scenario is made
        default_source="Huidig jaar",
        minimum=lambda: Decimal(_this_year() - 5),
        maximum=lambda: Decimal(_this_year() + 5),
        decimals=0,
    ),
    Parameter(
        key="growth_method",
        label=_("Growth of deaths"),
        unit="",
        help=_("How the deaths of the coming years are estimated from the CBS figures."),
        group="deaths",
        default=GrowthMethod.TREND.value,
        default_source="Keuze programmateam",
        choices=tuple(GrowthMethod.choices),
    ),
    Parameter(
        key="trend_first_year",
        label=_("Trend from year"),
        unit=_("year"),
        help=_("First CBS year of the straight line through the deaths."),
        group="deaths",
        default=Decimal(2012),
        default_source="CBS 37259ENG, eerste beschikbare jaar",
        minimum=Decimal(1995),
        maximum=lambda: Decimal(_this_year()),
        decimals=0,
        method=GrowthMethod.TREND,
    ),
    Parameter(
        key="trend_last_year",
        label=_("Trend up to year"),
        unit=_("year"),
        help=_("Last CBS year of the straight line through the deaths."),
        group="deaths",
        default=Decimal(2023),
        default_source="CBS 37259ENG, laatste beschikbare jaar",
        minimum=Decimal(1995),
        maximum=lambda: Decimal(_this_year()),
        decimals=0,
        method=GrowthMethod.TREND,
    ),
    Parameter(
        key="fixed_growth_percent",
        label=_("Growth of deaths per year"),
        unit="%",
        help=_("Change of the number of deaths per year, after the last CBS year."),
        group="deaths",
        default=Decimal("1.5"),
        default_source="Aanname programmateam",
        minimum=Decimal(-10),
        maximum=Decimal(10),
        decimals=2,
        method=GrowthMethod.FIXED,
    ),
    Parameter(
        key="mortality_improvement_percent",
        label=_("Yearly fall in death rates"),
        unit="%",
        help=_(
            "How much the death rate of each age group falls per year (people live longer); "
            "0 keeps the rates as they are."
        ),
        group="age",
        default=Decimal("1.0"),
        default_source="Aanname (stijgende levensverwachting, CBS)",
        minimum=Decimal(-5),
        maximum=Decimal(5),
        decimals=2,
        method=GrowthMethod.AGE,
    ),
    _rate(
        "mortality_0_49",
        "0–49",
        ("0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49"),
        "0.65",
    ),
    _rate("mortality_50_59", "50–59", ("50-54", "55-59"), "3.87"),
    _rate("mortality_60_64", "60–64", ("60-64",), "7.32"),
    _rate("mortality_65_69", "65–69", ("65-69",), "12.08"),
    _rate("mortality_70_74", "70–74", ("70-74",), "16.06"),
    _rate("mortality_75_79", "75–79", ("75-79",), "27.87"),
    _rate("mortality_80_84", "80–84", ("80-84",), "55.85"),
    _rate("mortality_85_89", "85–89", ("85-89",), "111.73"),
    _rate("mortality_90_plus", "90+", ("90-94", "95+"), "236.90"),
    Parameter(
        key="hospice_share_percent",
        label=_("Share of deaths in a hospice"),
        unit="%",
        help=_("Of all deaths in the area, the share that dies in a hospice or palliative unit."),
        group="beds",
        default=Decimal("6.0"),
        default_source=(
            "Aanname, tussen IKNL/PZNL 2024 (4% van de verwachte sterfgevallen) en AHzN/VPTZ "
            "2024 (± 12.000 gasten op ± 170.000 sterfgevallen)"
        ),
        decimals=1,
    ),
    Parameter(
        key="length_of_stay_days",
        label=_("Mean length of stay"),
        unit=_("days"),
        help=_("Average number of days a guest stays in the hospice."),
        group="beds",
        default=Decimal("21"),
        default_source=(
            "Aanname: 855 bedden × 365 × 80% / 12.000 gasten ≈ 21 dagen (AHzN/VPTZ 2024)"
        ),
        maximum=Decimal(365),
        minimum_exclusive=True,
        decimals=1,
    ),
    Parameter(
        key="target_occupancy_percent",
        label=_("Target occupancy"),
        unit="%",
        help=_(
            "The share of the year a bed is occupied on average; below 100% so that a bed is "
            "free when someone needs it."
        ),
        group="beds",
        default=Decimal("80"),
        default_source="Aanname stuurgroep",
        minimum_exclusive=True,
        decimals=1,
    ),
    Parameter(
        key="specialists_per_10000_deaths",
        label=_("Specialists needed per 10,000 deaths"),
        unit=_("persons"),
        help=_(
            "How many palliative care specialists (kaderartsen, nurse specialists) the "
            "network needs per 10,000 deaths a year."
        ),
        group="specialists",
        default=Decimal("20"),
        default_source="Aanname programmateam; een landelijke norm ontbreekt (seed 002 §1.2)",
        maximum=Decimal(1000),
        decimals=1,
    ),
)

BY_KEY: dict[str, Parameter] = {p.key: p for p in PARAMETERS}
RATE_PARAMETERS: tuple[Parameter, ...] = tuple(p for p in PARAMETERS if p.age_groups)


def defaults() -> tuple[dict[str, str], dict[str, str]]:
    """The default values and sources of a new scenario."""
    values = {p.key: str(p.default) for p in PARAMETERS}
    values["start_year"] = str(_this_year())
    return values, {p.key: p.default_source for p in PARAMETERS}


def parse_number(text: str) -> Decimal | None:
    """A number as typed in Dutch or English ("1,5" or "1.5"), else None."""
    cleaned = text.strip().replace(" ", "").replace("%", "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@dataclass(frozen=True)
class Values:
    """A scenario version's parameters as typed values, for the projection."""

    start_year: int
    growth_method: str
    trend_first_year: int
    trend_last_year: int
    fixed_growth: float  # fraction per year
    mortality_improvement: float  # fraction per year
    rates: dict[str, float]  # age group → deaths per person per year
    hospice_share: float  # fraction
    length_of_stay: float  # days
    occupancy: float  # fraction, in (0, 1]
    specialists_per_10000: float

    @classmethod
    def from_stored(cls, stored: Mapping[str, str]) -> Values:
        """From a version's stored values; a missing or unreadable value takes the default
        (versions made before a parameter existed)."""

        def number(key: str) -> Decimal:
            found = parse_number(str(stored.get(key, "")))
            if found is None:
                default = BY_KEY[key].default
                found = Decimal(str(_this_year())) if default == "" else Decimal(str(default))
            return found

        rates = {}
        for p in RATE_PARAMETERS:
            per_person = float(number(p.key)) / 1000
            for group in p.age_groups:
                rates[group] = per_person
        method = str(stored.get("growth_method", GrowthMethod.TREND))
        if method not in GrowthMethod.values:
            method = GrowthMethod.TREND
        return cls(
            start_year=int(number("start_year")),
            growth_method=method,
            trend_first_year=int(number("trend_first_year")),
            trend_last_year=int(number("trend_last_year")),
            fixed_growth=float(number("fixed_growth_percent")) / 100,
            mortality_improvement=float(number("mortality_improvement_percent")) / 100,
            rates=rates,
            hospice_share=float(number("hospice_share_percent")) / 100,
            length_of_stay=float(number("length_of_stay_days")),
            occupancy=float(number("target_occupancy_percent")) / 100,
            specialists_per_10000=float(number("specialists_per_10000_deaths")),
        )
