"""Reading the IKNL ACP form (a QuestionnaireResponse) into the care plan's content."""

from __future__ import annotations

import datetime as dt
from typing import Any

from palliare.careplans.constants import (
    AcpYesNoUnknown,
    ContactRole,
    IcdDeactivation,
    MedicalPolicyGoal,
    PractitionerFunction,
    ShareAgreement,
    Treatment,
    TreatmentDecision,
)

from ..base import fit
from . import codes as c
from .plan import PlanState, short_hash
from .questionnaire import LIMIT_ITEMS, OTHER_LIMIT_LABEL, YES_NO_FORM

# --- reading a form into the plan ---------------------------------------------------------------


def answers_by_link(items: Any) -> dict[str, list[dict[str, Any]]]:
    """Every answer of a QuestionnaireResponse by linkId (nested items included)."""
    found: dict[str, list[dict[str, Any]]] = {}

    def walk(nodes: Any) -> None:
        for node in nodes or []:
            if not isinstance(node, dict):
                continue
            link = str(node.get("linkId", ""))
            for answer in node.get("answer") or []:
                if isinstance(answer, dict):
                    found.setdefault(link, []).append(answer)
                    walk(answer.get("item"))
            walk(node.get("item"))

    walk(items)
    return found


def _code(answers: dict[str, list[dict[str, Any]]], link: str) -> str:
    for answer in answers.get(link, []):
        coding = answer.get("valueCoding")
        if isinstance(coding, dict) and isinstance(coding.get("code"), str):
            return str(coding["code"])
    return ""


def _str(answers: dict[str, list[dict[str, Any]]], link: str) -> str:
    for answer in answers.get(link, []):
        for key in ("valueString", "valueDate", "valueDateTime"):
            if isinstance(answer.get(key), str):
                return str(answer[key]).strip()
    return ""


def form_date(answers: dict[str, list[dict[str, Any]]]) -> str:
    text = _str(answers, "963")[:10]
    try:
        return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else ""
    except ValueError:
        return ""


def _joined(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def apply_form(answers: dict[str, list[dict[str, Any]]], state: PlanState) -> None:
    from .imports import merge_contact

    content = state.content
    day = form_date(answers)
    held_by = _joined(_str(answers, "968"), _str(answers, "969"), _str(answers, "970"))
    if day:
        row = next((r for r in content["conversations"] if r["date"] == day), None)
        if row is None:
            row = {
                "date": day,
                "held_by": "",
                "function": "",
                "patient_present": False,
                "participants": "",
            }
            content["conversations"].append(row)
        if held_by:
            row["held_by"] = held_by
        function = _code(answers, "1405")
        if function in PractitionerFunction.values:
            row["function"] = function
        if _code(answers, "82"):
            row["patient_present"] = True
    capacity = YES_NO_FORM.get(_code(answers, "1406"))
    if capacity:
        content["capacity"]["value"] = capacity
    if _str(answers, "1407"):
        content["capacity"]["note"] = _str(answers, "1407")
    rep_name = _joined(_str(answers, "973"), _str(answers, "974"), _str(answers, "975"))
    if rep_name:
        role = _code(answers, "982") or ContactRole.LEGAL_REPRESENTATIVE
        rel = _code(answers, "983")
        merge_contact(
            state,
            {
                "name": rep_name,
                "role": role if role in ContactRole.values else ContactRole.OTHER,
                "role_other": _str(answers, "411"),
                "relationship": rel if rel else "",
                "relationship_other": _str(answers, "408"),
                "phone": fit(_str(answers, "976"), 20, "QuestionnaireResponse.item"),
                "email": _str(answers, "980"),
                "is_first_contact": _code(answers, "984") == "1",
            },
        )
    first_name = _joined(_str(answers, "985"), _str(answers, "986"), _str(answers, "987"))
    if first_name:
        merge_contact(
            state,
            {
                "name": first_name,
                "role": ContactRole.FIRST_CONTACT,
                "role_other": "",
                "relationship": _code(answers, "995"),
                "relationship_other": _str(answers, "412"),
                "phone": fit(_str(answers, "988"), 20, "QuestionnaireResponse.item"),
                "email": _str(answers, "992"),
                "is_first_contact": True,
            },
        )
    goal = _code(answers, "999")
    if goal == c.GOAL_OLD_SYMPTOM_RELIEF:
        goal = MedicalPolicyGoal.SYMPTOM_RELIEF
    if goal in MedicalPolicyGoal.values:
        content["goal"]["code"] = goal
    for treatment, (_g, _code_item, decision_item, spec_item, note_item) in LIMIT_ITEMS.items():
        decision = _code(answers, decision_item)
        if decision in TreatmentDecision.values:
            row = next(r for r in content["treatment_limits"] if r["treatment"] == treatment)
            row.update(
                decision=decision,
                specification=_str(answers, spec_item),
                note=_str(answers, note_item),
            )
    other_decision = _code(answers, "1402")
    if other_decision in TreatmentDecision.values:
        coded = next(
            (
                a["valueCoding"].get("display", "")
                for a in answers.get("1422", [])
                if isinstance(a.get("valueCoding"), dict)
            ),
            "",
        )
        text = _str(answers, "1422") or (
            coded if coded not in ("", "Other", "Anders") else OTHER_LIMIT_LABEL
        )
        key = short_hash(text)
        row = next(
            (
                r
                for r in content["treatment_limits"]
                if r["treatment"] == Treatment.OTHER and short_hash(r["text"]) == key
            ),
            None,
        )
        if row is None:
            row = {
                "treatment": Treatment.OTHER,
                "text": text,
                "decision": "",
                "specification": "",
                "note": "",
            }
            content["treatment_limits"].append(row)
        row.update(decision=other_decision, note=_str(answers, "1404"))
    icd = content["icd"]
    present = _code(answers, "1006")
    if present in AcpYesNoUnknown.values:
        icd["present"] = present
        icd["device_type"] = "72506001" if _code(answers, "1008") else icd["device_type"]
        icd["note"] = _str(answers, "1009")
    deactivation = _code(answers, "1005")
    if deactivation in IcdDeactivation.values:
        icd["deactivation"] = deactivation
        icd["deactivation_note"] = _str(answers, "1010")
    wishes = content["wishes"]
    if _str(answers, "1190"):
        wishes["care_wishes"] = _str(answers, "1190")
    place = _code(answers, "1191")
    if place:
        wishes["place_of_death"] = place
        wishes["place_of_death_note"] = _str(answers, "1192")
    position = _code(answers, "1193")
    if position:
        wishes["euthanasia_position"] = position
        wishes["euthanasia_note"] = _str(answers, "1194")
    donation = _code(answers, "1435")
    if donation in AcpYesNoUnknown.values:
        wishes["organ_donation_registered"] = donation
    if _str(answers, "1196"):
        wishes["what_matters"] = _str(answers, "1196")
    earlier = content["earlier"]
    if _code(answers, "1197") in AcpYesNoUnknown.values:
        earlier["exist"] = _code(answers, "1197")
        earlier["note"] = _str(answers, "1198")
    if _code(answers, "1199") in AcpYesNoUnknown.values:
        earlier["differ"] = _code(answers, "1199")
    informed = YES_NO_FORM.get(_code(answers, "1200"))
    if informed:
        content["sharing"]["patient_informed"] = informed
    if _code(answers, "1201") in ShareAgreement.values:
        content["sharing"]["agreement"] = _code(answers, "1201")
