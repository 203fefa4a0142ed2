"""The consultation request's contribution to the marking suggestions (decision 0041): a
patient for whom the palliative consultation team was asked, but who is not marked. Registered
with ``palliare.patients.suggestions.rules`` when the app is ready."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from palliare.patients.constants import DiagnosisGroup as RegisterGroup
from palliare.patients.suggestions import rules

from .constants import DiagnosisGroup

if TYPE_CHECKING:
    from palliare.patients.models import Patient

#: The register's diagnosis group for a consultation's diagnosis group (for the marking form).
REGISTER_GROUP = {
    DiagnosisGroup.CANCER: RegisterGroup.CANCER,
    DiagnosisGroup.HEART_FAILURE: RegisterGroup.ORGAN_FAILURE,
    DiagnosisGroup.COPD: RegisterGroup.ORGAN_FAILURE,
    DiagnosisGroup.KIDNEY_FAILURE: RegisterGroup.ORGAN_FAILURE,
    DiagnosisGroup.DEMENTIA: RegisterGroup.FRAILTY_DEMENTIA,
    DiagnosisGroup.FRAILTY: RegisterGroup.FRAILTY_DEMENTIA,
}


def find(
    candidates: QuerySet[Patient], today: dt.date, values: Mapping[str, int]
) -> dict[int, rules.Finding]:
    since = rules.start_of(rules.months_before(today, values["months"]))
    rows = candidates.filter(consultation_requests__created_at__gte=since).values_list(
        "pk",
        "consultation_requests__pk",
        "consultation_requests__created_at",
        "consultation_requests__diagnosis_group",
        "consultation_requests__team__name",
    )
    found: dict[int, rules.Finding] = {}
    for patient_id, request_id, asked, group, team in sorted(rows, key=lambda r: r[2]):
        finding = found.setdefault(
            patient_id, rules.Finding(facts={"months": values["months"], "requests": []}, keys=[])
        )
        finding.facts["requests"].append(
            {"date": timezone.localdate(asked).isoformat(), "group": group, "team": team}
        )
        finding.keys.append(f"consultation:{request_id}")
    return found


def _group_label(code: str) -> str:
    try:
        return str(DiagnosisGroup(code).label)
    except ValueError:
        return code


def describe(facts: dict[str, Any]) -> str:
    requests = facts["requests"]
    items = [
        gettext("%(date)s to %(team)s (%(group)s)")
        % {
            "date": rules.short_date(r["date"]),
            "team": r["team"],
            "group": _group_label(r["group"]),
        }
        for r in requests
    ]
    return ngettext(
        "%(count)d consultation request in the last %(months)d months while not marked: %(items)s",
        "%(count)d consultation requests in the last %(months)d months while not marked: %(items)s",
        len(requests),
    ) % {"count": len(requests), "months": facts["months"], "items": "; ".join(items)}


def prefill(facts: dict[str, Any]) -> dict[str, Any]:
    for r in reversed(facts["requests"]):
        group = REGISTER_GROUP.get(r["group"])
        if group is not None:
            return {"diagnosis_group": str(group)}
    return {}


rules.register(
    rules.Rule(
        code="consultation_unmarked",
        label=_("Consultation request for an unmarked patient"),
        explanation=_(
            "The palliative consultation team was asked about this patient in the window, "
            "but the palliative phase has not been marked."
        ),
        find=find,
        describe=describe,
        thresholds=(rules.Threshold("months", _("window (months)"), 6),),
        order=40,
        prefill=prefill,
    )
)
