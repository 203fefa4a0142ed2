"""The ACP form (IKNL Questionnaire ACP-zib2020) as a QuestionnaireResponse built from the care
plan, and read back into it. Palliare does not ship the Questionnaire itself (its licence is
not CC0); it refers to it by canonical URL and uses its item linkIds."""

from __future__ import annotations

from typing import Any

from palliare.careplans.constants import (
    AcpYesNoUnknown,
    ContactRole,
    IcdDeactivation,
    PractitionerFunction,
    Treatment,
    TreatmentDecision,
)

from ...constants import UZI_ROLE
from . import codes as c
from .plan import Element, PlanState, professional_named

BESLUIT = "urn:oid:2.16.840.1.113883.2.4.3.11.60.40.4.25.1"
#: treatment → (group, code item, decision item, specification item, note item)
LIMIT_ITEMS = {
    Treatment.RESUSCITATION: ("1409", "1410", "1386", "1001", "1002"),
    Treatment.VENTILATION: ("1411", "1412", "1387", "1388", "1389"),
    Treatment.ICU_ADMISSION: ("1413", "1414", "1390", "1391", "1392"),
    Treatment.HOSPITAL_ADMISSION: ("1415", "1416", "1393", "1394", "1395"),
    Treatment.ANTIBIOTICS: ("1417", "1418", "1396", "1397", "1398"),
    Treatment.BLOOD_PRODUCTS: ("1419", "1420", "1399", "1400", "1401"),
}
OTHER_LIMIT = ("1421", "1422", "1402", "", "1404")
OTHER_LIMIT_LABEL = "Overige behandelgrenzen"
YES_NO_FORM = {"1": AcpYesNoUnknown.YES, "0": AcpYesNoUnknown.NO}


def _coding(system: str, code: str, display: str = "") -> dict[str, Any]:
    coding: dict[str, Any] = {"code": code}
    if system:
        coding = {"system": system, **coding}
    if display:
        coding["display"] = display
    return {"valueCoding": coding}


def _string(text: str) -> dict[str, Any]:
    return {"valueString": text}


def _item(
    link_id: str,
    answers: list[dict[str, Any]] | None = None,
    items: list[dict[str, Any] | None] | None = None,
) -> dict[str, Any] | None:
    item: dict[str, Any] = {"linkId": link_id}
    if answers:
        item["answer"] = answers
    items = [i for i in items or [] if i]
    if items:
        item["item"] = items
    return item if answers or items else None


def _yes_no_answer(code: str) -> list[dict[str, Any]]:
    if not code:
        return []
    system = c.NULL_FLAVOR if code == "UNK" else c.SNOMED
    return [_coding(system, code)]


def _name_parts(name: str) -> tuple[str, str, str]:
    """(given, prefix, family) of a name, using the directory when it knows the person."""
    pro = professional_named(name)
    if pro is not None:
        return pro.given_name or pro.initials, pro.family_name_prefix, pro.family_name
    parts = name.split()
    prefixes = {"van", "de", "der", "den", "het", "ter", "ten", "te", "in", "'t", "op"}
    if len(parts) == 1:
        return "", "", parts[0]
    head = [p for p in parts[:-1] if p.lower() in prefixes]
    given = [p for p in parts[:-1] if p.lower() not in prefixes]
    return " ".join(given), " ".join(head), parts[-1]


def _person_items(ids: tuple[str, str, str], name: str) -> list[dict[str, Any] | None]:
    given, prefix, family = _name_parts(name)
    return [
        _item(ids[0], [_string(given)] if given else None),
        _item(ids[1], [_string(prefix)] if prefix else None),
        _item(ids[2], [_string(family)] if family else None),
    ]


def questionnaire_response(state: PlanState, element: Element) -> dict[str, Any]:
    from .export import _base, _patient_ref

    content = state.content
    res = _base(state, element, c.PROFILES["QuestionnaireResponse"])
    res["questionnaire"] = c.QUESTIONNAIRE
    res["status"] = "completed"
    res["subject"] = _patient_ref(state)
    if state.version_date:
        res["authored"] = state.version_date.isoformat()
    patient = state.patient
    items: list[dict[str, Any] | None] = []
    if state.agreement_date:
        items.append(_item("963", [{"valueDateTime": state.agreement_date}]))
    items.append(
        _item(
            "7",
            items=[
                _item("964", [_string(patient.given_name)] if patient.given_name else None),
                _item(
                    "965",
                    [_string(patient.family_name_prefix)] if patient.family_name_prefix else None,
                ),
                _item("966", [_string(patient.family_name)]),
            ],
        )
    )
    items.append(_item("967", [{"valueDateTime": patient.date_of_birth.isoformat()}]))
    conversations = content["conversations"]
    if conversations:
        latest = conversations[0]
        function = latest["function"]
        items.append(
            _item(
                "8",
                items=[
                    _item("16", items=_person_items(("968", "969", "970"), latest["held_by"])),
                    _item(
                        "1405",
                        [
                            _coding(
                                UZI_ROLE,
                                function,
                                str(PractitionerFunction(function).label)
                                if function in PractitionerFunction.values
                                else "",
                            )
                        ]
                        if function
                        else None,
                    ),
                ],
            )
        )
    items.append(_capacity_items(content))
    if conversations:
        present = (
            [_coding("", "Patiënt", "Patiënt")] if conversations[0]["patient_present"] else None
        )
        others = [
            row
            for row in content["contacts"]
            if row["name"] in str(conversations[0]["participants"])
        ]
        rel = [
            _coding(c.ROLE_CODE, row["relationship"])
            for row in others
            if row["relationship"] and row["relationship"] != "OTH"
        ]
        items.append(_item("78", items=[_item("82", present), _item("998", rel[:1] or None)]))
    goal = content["goal"]
    if goal["code"]:
        system = c.NULL_FLAVOR if goal["code"] == "UNK" else c.SNOMED
        items.append(
            _item(
                "586",
                items=[
                    _item("1408", [_coding(c.SNOMED, "180771000146100")]),
                    _item("999", [_coding(system, goal["code"])]),
                ],
            )
        )
    items.append(_limit_items(content))
    items += _wish_items(content)
    earlier = content["earlier"]
    items.append(
        _item(
            "115",
            items=[
                _item(
                    "1197",
                    _yes_no_answer(earlier["exist"]),
                    [_item("1198", [_string(earlier["note"])] if earlier["note"] else None)],
                ),
                _item("1199", _yes_no_answer(earlier["differ"])),
            ],
        )
    )
    sharing = content["sharing"]
    informed = {AcpYesNoUnknown.YES: "1", AcpYesNoUnknown.NO: "0"}.get(sharing["patient_informed"])
    agreement = sharing["agreement"]
    items.append(
        _item(
            "119",
            items=[
                _item(
                    "1200",
                    [_coding("", informed, "Ja" if informed == "1" else "Nee")]
                    if informed
                    else None,
                ),
                _item(
                    "1201",
                    [_coding(c.NULL_FLAVOR if agreement == "UNK" else c.SNOMED, agreement)]
                    if agreement
                    else None,
                ),
            ],
        )
    )
    res["item"] = [i for i in items if i]
    return res


def _capacity_items(content: dict[str, Any]) -> dict[str, Any] | None:
    capacity = content["capacity"]
    answer = {AcpYesNoUnknown.YES: "1", AcpYesNoUnknown.NO: "0"}.get(capacity["value"])
    representative = next(
        (row for row in content["contacts"] if row["role"] not in ("", ContactRole.FIRST_CONTACT)),
        None,
    )
    first = next((row for row in content["contacts"] if row["is_first_contact"]), None)
    group29: list[dict[str, Any] | None] = []
    if representative is not None:
        group29 += [
            _item("30", items=_person_items(("973", "974", "975"), representative["name"])),
            _item(
                "39",
                items=[
                    _item(
                        "40",
                        items=[
                            _item(
                                "976",
                                [_string(representative["phone"])]
                                if representative["phone"]
                                else None,
                            )
                        ],
                    ),
                    _item(
                        "41",
                        items=[
                            _item(
                                "980",
                                [_string(representative["email"])]
                                if representative["email"]
                                else None,
                            )
                        ],
                    ),
                ],
            ),
            _item(
                "982",
                [
                    _coding(
                        c.SNOMED
                        if representative["role"] == ContactRole.WRITTEN_AUTHORISATION
                        else c.ROLE_OID,
                        representative["role"],
                    )
                ],
            ),
            _item(
                "983",
                [_coding(c.ROLE_CODE, representative["relationship"])]
                if representative["relationship"]
                else None,
            ),
            _item("984", [_coding("", "1" if representative["is_first_contact"] else "0")]),
        ]
    if first is not None and first is not representative:
        group29 += [
            _item("53", items=_person_items(("985", "986", "987"), first["name"])),
            _item(
                "61",
                items=[
                    _item(
                        "62",
                        items=[_item("988", [_string(first["phone"])] if first["phone"] else None)],
                    ),
                    _item(
                        "66",
                        items=[_item("992", [_string(first["email"])] if first["email"] else None)],
                    ),
                ],
            ),
            _item(
                "995",
                [_coding(c.ROLE_CODE, first["relationship"])] if first["relationship"] else None,
            ),
        ]
    return _item(
        "26",
        items=[
            _item(
                "1406",
                [_coding("", answer)] if answer else None,
                [_item("1407", [_string(capacity["note"])] if capacity["note"] else None)],
            ),
            _item("29", items=group29),
        ],
    )


def _decision_answer(code: str) -> list[dict[str, Any]]:
    if not code:
        return []
    return [_coding(c.NULL_FLAVOR if code == "UNK" else BESLUIT, code)]


def _limit_items(content: dict[str, Any]) -> dict[str, Any] | None:
    groups: list[dict[str, Any] | None] = []
    for row in content["treatment_limits"]:
        if not row["decision"] or (
            row["decision"] == TreatmentDecision.NOT_DISCUSSED
            and not row["specification"]
            and not row["note"]
        ):
            continue
        if row["treatment"] == Treatment.OTHER:
            group, code_item, decision_item, spec_item, note_item = OTHER_LIMIT
            answers = [_coding(c.NULL_FLAVOR, "OTH", row["text"])]
        else:
            group, code_item, decision_item, spec_item, note_item = LIMIT_ITEMS[
                Treatment(row["treatment"])
            ]
            answers = [_coding(c.SNOMED, row["treatment"])]
        nested = [
            _item(
                spec_item,
                [_string(row["specification"])] if spec_item and row["specification"] else None,
            ),
            _item(note_item, [_string(row["note"])] if row["note"] else None),
        ]
        groups.append(
            _item(
                group,
                items=[
                    _item(code_item, answers),
                    _item(decision_item, _decision_answer(row["decision"]), nested),
                ],
            )
        )
    icd = content["icd"]
    if icd["present"]:
        groups.append(
            _item(
                "1006",
                _yes_no_answer(icd["present"]),
                [
                    _item("1008", [_coding("", "ICD", "ICD")] if icd["device_type"] else None),
                    _item("1009", [_string(icd["note"])] if icd["note"] else None),
                ],
            )
        )
    if icd["deactivation"]:
        system = BESLUIT if icd["deactivation"] == IcdDeactivation.AGREED else c.NULL_FLAVOR
        groups.append(
            _item(
                "1425",
                items=[
                    _item("1426", [_coding(c.SNOMED, c.ICD_DEACTIVATION)]),
                    _item(
                        "1005",
                        [_coding(system, icd["deactivation"])],
                        [
                            _item(
                                "1010",
                                [_string(icd["deactivation_note"])]
                                if icd["deactivation_note"]
                                else None,
                            )
                        ],
                    ),
                ],
            )
        )
    return _item("83", items=groups)


def _wish_items(content: dict[str, Any]) -> list[dict[str, Any] | None]:
    wishes = content["wishes"]
    groups: list[dict[str, Any] | None] = []
    if wishes["care_wishes"]:
        groups.append(
            _item(
                "1427",
                items=[
                    _item("1428", [_coding(c.SNOMED, c.OBS_CARE_WISHES)]),
                    _item("1190", [_string(wishes["care_wishes"])]),
                ],
            )
        )
    if wishes["place_of_death"]:
        place = wishes["place_of_death"]
        system = c.NULL_FLAVOR if place in ("OTH", "UNK") else c.SNOMED
        groups.append(
            _item(
                "1429",
                items=[
                    _item("1430", [_coding(c.SNOMED, c.OBS_PLACE_OF_DEATH)]),
                    _item(
                        "1191",
                        [_coding(system, place, wishes["place_of_death_other"])],
                        [
                            _item(
                                "1192",
                                [_string(wishes["place_of_death_note"])]
                                if wishes["place_of_death_note"]
                                else None,
                            )
                        ],
                    ),
                ],
            )
        )
    if wishes["euthanasia_position"]:
        code = wishes["euthanasia_position"]
        groups.append(
            _item(
                "1431",
                items=[
                    _item("1432", [_coding(c.SNOMED, c.OBS_EUTHANASIA)]),
                    _item(
                        "1193",
                        [_coding(c.NULL_FLAVOR if code == "UNK" else c.SNOMED, code)],
                        [
                            _item(
                                "1194",
                                [_string(wishes["euthanasia_note"])]
                                if wishes["euthanasia_note"]
                                else None,
                            )
                        ],
                    ),
                ],
            )
        )
    if wishes["organ_donation_registered"]:
        groups.append(
            _item(
                "1433",
                items=[
                    _item("1434", [_coding(c.SNOMED, c.OBS_DONATION)]),
                    _item("1435", _yes_no_answer(wishes["organ_donation_registered"])),
                ],
            )
        )
    result: list[dict[str, Any] | None] = [_item("107", items=groups)]
    if wishes["what_matters"]:
        result.append(
            _item(
                "598",
                items=[
                    _item("1436", [_coding(c.SNOMED, c.OBS_SENSE_OF_PURPOSE)]),
                    _item("1196", [_string(wishes["what_matters"])]),
                ],
            )
        )
    return result
