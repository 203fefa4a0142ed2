"""The explainable rules behind marking suggestions (decision 0041). No model, no score: each
rule is a few lines of plain code with a code, a label, an explanation and thresholds, and for
every matching patient it returns the facts it matched on, so the page can say *why*.

A rule reads only through the candidate set the access policy hands it
(:func:`palliare.patients.access.suggestion_candidates`: living, unmarked patients) and its
relations, in one query for all patients. Other apps add rules with :func:`register` (the
consultations app adds "consultation for an unmarked patient").

Thresholds are settings (``MARKING_SUGGESTIONS``, per rule code); the values in force and their
version are shown to the network coordinator.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import RoleCode

from ..constants import ContactClass, ContactStatus, DiagnosisGroup

if TYPE_CHECKING:
    from ..models import Patient

#: The version of the rule set; with the thresholds in force it makes :func:`config_version`.
RULES_VERSION = "2026.1"


@dataclass(frozen=True)
class Threshold:
    key: str
    label: str | Promise
    default: int


@dataclass(frozen=True)
class Finding:
    """What a rule found for one patient: JSON-able facts, and a stable key per fact (a new
    key is new evidence)."""

    facts: dict[str, Any]
    keys: list[str]


Find = Callable[["QuerySet[Patient]", dt.date, Mapping[str, int]], dict[int, Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    label: str | Promise
    explanation: str | Promise
    find: Find
    describe: Callable[[dict[str, Any]], str]
    thresholds: tuple[Threshold, ...] = ()
    order: int = 100
    #: Indicators to tick in the marking form when marking from this suggestion.
    prefill: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda facts: {})

    def values(self) -> dict[str, int]:
        """The thresholds in force: the defaults, overridden by ``MARKING_SUGGESTIONS``."""
        configured = getattr(settings, "MARKING_SUGGESTIONS", {}).get(self.code, {})
        return {t.key: int(configured.get(t.key, t.default)) for t in self.thresholds}


_RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    _RULES[rule.code] = rule
    return rule


def all_rules() -> list[Rule]:
    return sorted(_RULES.values(), key=lambda r: (r.order, r.code))


def get(code: str) -> Rule | None:
    return _RULES.get(code)


def config_version() -> str:
    """The rule set's version with a short digest of the thresholds in force."""
    values = {rule.code: rule.values() for rule in all_rules()}
    digest = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:8]
    return f"{RULES_VERSION}-{digest}"


def describe(code: str, facts: dict[str, Any]) -> str:
    """The evidence of one rule in words, in the active language."""
    rule = get(code)
    if rule is None:
        return ""
    try:
        return rule.describe(facts)
    except (KeyError, TypeError, ValueError):  # facts stored by an older rule version
        return str(rule.label)


# Helpers -----------------------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the last day of a shorter month)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def short_date(iso: str, today: dt.date | None = None) -> str:
    """ "3 mrt" in Dutch; with the year when it is not this year."""
    day = dt.date.fromisoformat(iso)
    today = today or timezone.localdate()
    return formats.date_format(day, "j b" if day.year == today.year else "j b Y")


def _and(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


# 1. Repeated hospital admissions or emergency visits ---------------------------------------

ADMISSION_CLASSES = frozenset(
    {
        ContactClass.INPATIENT,
        ContactClass.ACUTE_INPATIENT,
        ContactClass.NON_ACUTE_INPATIENT,
        ContactClass.SHORT_STAY,
    }
)
EMERGENCY_CLASSES = frozenset({ContactClass.EMERGENCY})
#: Contacts that took place (planned, cancelled and erroneous ones do not count).
HAPPENED = frozenset(
    {
        ContactStatus.ARRIVED,
        ContactStatus.TRIAGED,
        ContactStatus.IN_PROGRESS,
        ContactStatus.ON_LEAVE,
        ContactStatus.FINISHED,
    }
)


def _find_hospital_use(
    candidates: QuerySet[Patient], today: dt.date, values: Mapping[str, int]
) -> dict[int, Finding]:
    since = months_before(today, values["months"])
    rows = candidates.filter(
        care_contacts__current_version__contact_class__in=ADMISSION_CLASSES | EMERGENCY_CLASSES,
        care_contacts__current_version__status__in=HAPPENED,
        care_contacts__current_version__start_date__gte=since,
        care_contacts__current_version__start_date__lte=today,
    ).values_list(
        "pk",
        "care_contacts__pk",
        "care_contacts__current_version__contact_class",
        "care_contacts__current_version__start_date",
    )
    contacts: dict[int, list[tuple[dt.date, int, str]]] = {}
    for patient_id, contact_id, contact_class, start in rows:
        assert start is not None  # filtered on the start date
        contacts.setdefault(patient_id, []).append((start, contact_id, contact_class))
    found = {}
    for patient_id, items in contacts.items():
        if len(items) < values["min_contacts"]:
            continue
        items.sort()
        found[patient_id] = Finding(
            facts={
                "months": values["months"],
                "admissions": sum(1 for _d, _c, k in items if k in ADMISSION_CLASSES),
                "emergency": sum(1 for _d, _c, k in items if k in EMERGENCY_CLASSES),
                "dates": [d.isoformat() for d, _c, _k in items],
            },
            keys=[f"contact:{c}" for _d, c, _k in items],
        )
    return found


def _describe_hospital_use(facts: dict[str, Any]) -> str:
    parts = []
    if facts["admissions"]:
        parts.append(
            ngettext(
                "%(count)d hospital admission", "%(count)d hospital admissions", facts["admissions"]
            )
            % {"count": facts["admissions"]}
        )
    if facts["emergency"]:
        parts.append(
            ngettext(
                "%(count)d emergency department visit",
                "%(count)d emergency department visits",
                facts["emergency"],
            )
            % {"count": facts["emergency"]}
        )
    return gettext("%(what)s in the last %(months)d months: %(dates)s") % {
        "what": _and(parts),
        "months": facts["months"],
        "dates": ", ".join(short_date(d) for d in facts["dates"]),
    }


register(
    Rule(
        code="hospital_use",
        label=_("Repeated hospital admissions or emergency visits"),
        explanation=_(
            "Counts the hospital admissions and emergency department visits among the care "
            "contacts Palliare received (not planned, cancelled or erroneous ones) that started "
            "in the window. Unplanned admissions are a general SPICT-NL indicator."
        ),
        find=_find_hospital_use,
        describe=_describe_hospital_use,
        thresholds=(
            Threshold("months", _("window (months)"), 6),
            Threshold("min_contacts", _("at least this many admissions or visits"), 2),
        ),
        order=10,
        prefill=lambda facts: {"spict_general": ["unplanned_admissions"]},
    )
)


# 2. Signals from several professionals -----------------------------------------------------


def _find_several_signallers(
    candidates: QuerySet[Patient], today: dt.date, values: Mapping[str, int]
) -> dict[int, Finding]:
    since = start_of(months_before(today, values["months"]))
    rows = candidates.filter(signals__created_at__gte=since).values_list(
        "pk",
        "signals__pk",
        "signals__sender_id",
        "signals__sender_role",
        "signals__sender_organization__name",
        "signals__created_at",
    )
    by_patient: dict[int, dict[int, dict[str, Any]]] = {}
    keys: dict[int, list[str]] = {}
    for patient_id, signal_id, sender_id, role, organization, created in sorted(
        rows, key=lambda r: r[5]
    ):
        senders = by_patient.setdefault(patient_id, {})
        senders[sender_id] = {
            "role": role,
            "organization": organization,
            "date": timezone.localdate(created).isoformat(),
        }
        keys.setdefault(patient_id, []).append(f"signal:{signal_id}")
    return {
        patient_id: Finding(
            facts={"months": values["months"], "senders": list(senders.values())},
            keys=keys[patient_id],
        )
        for patient_id, senders in by_patient.items()
        if len(senders) >= values["min_professionals"]
    }


def _role_label(code: str) -> str:
    try:
        return str(RoleCode(code).label)
    except ValueError:
        return code or gettext("professional")


def _describe_several_signallers(facts: dict[str, Any]) -> str:
    senders = facts["senders"]
    who = [
        gettext("%(role)s (%(organization)s, %(date)s)")
        % {
            "role": _role_label(s["role"]),
            "organization": s["organization"],
            "date": short_date(s["date"]),
        }
        for s in senders
    ]
    return ngettext(
        "Signals from %(count)d professional in the last %(months)d months: %(who)s",
        "Signals from %(count)d different professionals in the last %(months)d months: %(who)s",
        len(senders),
    ) % {"count": len(senders), "months": facts["months"], "who": "; ".join(who)}


register(
    Rule(
        code="several_signallers",
        label=_("Signals from several professionals"),
        explanation=_(
            "Counts the different professionals (not the signals) who sent the GP practice a "
            "signal about the patient in the window, whatever the signal suggested and "
            "whether or not it was handled."
        ),
        find=_find_several_signallers,
        describe=_describe_several_signallers,
        thresholds=(
            Threshold("months", _("window (months)"), 3),
            Threshold("min_professionals", _("at least this many professionals"), 2),
        ),
        order=20,
    )
)


# 3. Age with a life-limiting diagnosis group -----------------------------------------------

ICPC = ("http://hl7.org/fhir/sid/icpc-1-nl", "http://hl7.org/fhir/sid/icpc-1")
ICD10 = ("http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-nl")
SNOMED = ("http://snomed.info/sct",)


@dataclass(frozen=True)
class Condition:
    """A condition the rule recognises in a problem's codes, and its diagnosis group."""

    key: str
    label: str | Promise
    group: DiagnosisGroup
    spict: str
    #: (systems, code prefixes): a coding matches when its system is one of the systems and
    #: its code starts with one of the prefixes.
    codes: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]


#: ICPC-1 codes of malignant neoplasms, per chapter.
ICPC_CANCER = (
    "A79",
    "B72",
    "B73",
    "B74",
    "D74",
    "D75",
    "D76",
    "D77",
    "F74",
    "H75",
    "K72",
    "L71",
    "N74",
    "R84",
    "R85",
    "S77",
    "T71",
    "U75",
    "U76",
    "U77",
    "W72",
    "X75",
    "X76",
    "X77",
    "Y77",
    "Y78",
)

CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "cancer",
        _("cancer"),
        DiagnosisGroup.CANCER,
        "cancer",
        ((ICPC, ICPC_CANCER), (ICD10, ("C",)), (SNOMED, ("363346000",))),
    ),
    Condition(
        "heart_failure",
        _("heart failure"),
        DiagnosisGroup.ORGAN_FAILURE,
        "heart_vascular",
        ((ICPC, ("K77",)), (ICD10, ("I50",)), (SNOMED, ("84114007", "42343007"))),
    ),
    Condition(
        "copd",
        _("COPD"),
        DiagnosisGroup.ORGAN_FAILURE,
        "respiratory",
        ((ICPC, ("R95",)), (ICD10, ("J44",)), (SNOMED, ("13645005",))),
    ),
    Condition(
        "dementia",
        _("dementia"),
        DiagnosisGroup.FRAILTY_DEMENTIA,
        "dementia_frailty",
        (
            (ICPC, ("P70",)),
            (ICD10, ("F00", "F01", "F02", "F03", "G30")),
            (SNOMED, ("52448006", "26929004")),
        ),
    ),
)
_CONDITIONS = {c.key: c for c in CONDITIONS}
#: Problem statuses (FHIR Condition clinical / verification status) that do not count.
INACTIVE = frozenset({"inactive", "resolved", "remission"})
NOT_CONFIRMED = frozenset({"refuted", "entered-in-error"})


def _code_label(system: str) -> str:
    if system in ICPC:
        return "ICPC"
    if system in ICD10:
        return "ICD-10"
    if system in SNOMED:
        return "SNOMED"
    return ""


def recognise(codes: Iterable[dict[str, Any]]) -> tuple[Condition, dict[str, str]] | None:
    """The first condition a problem's codings name, with the coding that named it."""
    for coding in codes or []:
        if not isinstance(coding, dict):
            continue
        system = str(coding.get("system") or "")
        code = str(coding.get("code") or "").upper()
        for condition in CONDITIONS:
            for systems, prefixes in condition.codes:
                if system in systems and code.startswith(prefixes):
                    return condition, {"system": _code_label(system), "code": code}
    return None


def _find_age_diagnosis(
    candidates: QuerySet[Patient], today: dt.date, values: Mapping[str, int]
) -> dict[int, Finding]:
    born_by = years_before(today, values["min_age"])
    rows = candidates.filter(
        date_of_birth__lte=born_by, problems__current_version__withdrawn=False
    ).values_list(
        "pk",
        "date_of_birth",
        "problems__pk",
        "problems__current_version__codes",
        "problems__current_version__clinical_status",
        "problems__current_version__verification_status",
    )
    found: dict[int, Finding] = {}
    for patient_id, born, problem_id, codes, clinical, verification in sorted(
        rows, key=lambda r: r[2]
    ):
        if clinical in INACTIVE or verification in NOT_CONFIRMED:
            continue
        recognised = recognise(codes)
        if recognised is None:
            continue
        condition, coding = recognised
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        finding = found.setdefault(
            patient_id,
            Finding(facts={"age": age, "min_age": values["min_age"], "conditions": []}, keys=[]),
        )
        finding.facts["conditions"].append({"condition": condition.key, **coding})
        finding.keys.append(f"problem:{problem_id}")
    return found


def _describe_age_diagnosis(facts: dict[str, Any]) -> str:
    conditions = []
    for item in facts["conditions"]:
        condition = _CONDITIONS[item["condition"]]
        conditions.append(
            gettext("%(condition)s (%(system)s %(code)s; group: %(group)s)")
            % {
                "condition": condition.label,
                "system": item["system"],
                "code": item["code"],
                "group": condition.group.label,
            }
        )
    return gettext("%(age)d years old (threshold %(min_age)d) with %(conditions)s") % {
        "age": facts["age"],
        "min_age": facts["min_age"],
        "conditions": _and(conditions),
    }


def diagnosis_groups(evidence: Mapping[str, Any]) -> list[DiagnosisGroup]:
    """The diagnosis groups a suggestion's evidence names (the conditions the age-and-diagnosis
    rule recognised), in order, without repeats; empty when no rule named a diagnosis."""
    groups: list[DiagnosisGroup] = []
    facts = evidence.get("age_diagnosis") or {}
    for item in facts.get("conditions", []):
        condition = _CONDITIONS.get(item.get("condition", "")) if isinstance(item, dict) else None
        if condition is not None and condition.group not in groups:
            groups.append(condition.group)
    return groups


def _prefill_age_diagnosis(facts: dict[str, Any]) -> dict[str, Any]:
    conditions = [_CONDITIONS[c["condition"]] for c in facts["conditions"]]
    return {
        "diagnosis_group": str(conditions[0].group),
        "diagnosis": ", ".join(str(c.label) for c in conditions),
        "spict_disease": sorted({c.spict for c in conditions}),
    }


register(
    Rule(
        code="age_diagnosis",
        label=_("Old age with a life-limiting diagnosis"),
        explanation=_(
            "The patient has reached the age threshold and has an active problem (received "
            "from another system) coded as cancer, heart failure, COPD or dementia: the "
            "diagnosis groups cancer, organ failure and frailty/dementia of the register. "
            "Codes recognised: ICPC, ICD-10 and a few SNOMED CT concepts."
        ),
        find=_find_age_diagnosis,
        describe=_describe_age_diagnosis,
        thresholds=(Threshold("min_age", _("age from (years)"), 80),),
        order=30,
        prefill=_prefill_age_diagnosis,
    )
)
