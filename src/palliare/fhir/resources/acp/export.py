"""Building the ACP resources of one plan element (the read side of the mapping)."""

from __future__ import annotations

import re
from typing import Any

from palliare.careplans.constants import (
    AcpYesNoUnknown,
    ContactRole,
    IcdDeactivation,
    PractitionerFunction,
    Treatment,
    TreatmentDecision,
)
from palliare.organizations.models import Professional

from ...search import instant
from ..base import reference_to
from ..datatypes import concept, write_name, write_telecom
from . import codes as c
from .plan import (
    Element,
    PlanState,
    author,
    directory_reference,
    elements,
    practitioner_reference,
)
from .vocab import advance_code, relation_display_to_code, role_display_to_code

# --- building resources ------------------------------------------------------------------------


def _base(state: PlanState, element: Element, profile: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"versionId": str(state.version_number), "profile": [profile]}
    if state.version_date:
        meta["lastUpdated"] = instant(state.version_date)
    return {"resourceType": element.resource_type, "id": state.logical_id(element), "meta": meta}


def _patient_ref(state: PlanState) -> dict[str, Any]:
    return {"reference": state.patient_ref, "type": "Patient", "display": state.patient.full_name}


def _contact_ids(state: PlanState) -> dict[str, str]:
    return {
        e.data["name"]: state.logical_id(e)
        for e in elements(state)
        if e.resource_type == "RelatedPerson"
    }


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if len(parts) < 2:
        return "", name
    first = parts[0]
    rest = parts[1:]
    return first, " ".join(rest) if rest else ""


def related_person(state: PlanState, element: Element) -> dict[str, Any]:
    row = element.data
    res = _base(state, element, c.PROFILES["RelatedPerson"])
    res["patient"] = _patient_ref(state)
    relationship: list[dict[str, Any]] = []
    role = row["role"]
    if row["is_first_contact"] and role != ContactRole.FIRST_CONTACT:
        relationship.append(
            concept(c.ROLE_OID, ContactRole.FIRST_CONTACT, "Eerste relatie/contactpersoon")
        )
    if role == ContactRole.OTHER and row["role_other"]:
        found = role_display_to_code(row["role_other"])
        relationship.append(
            concept(found[0], found[1], row["role_other"]) if found else {"text": row["role_other"]}
        )
    elif role == ContactRole.WRITTEN_AUTHORISATION:
        relationship.append(concept(c.SNOMED, role, "schriftelijk gemachtigde"))
    elif role:
        relationship.append(concept(c.ROLE_OID, role, str(ContactRole(role).label)))
    rel = row["relationship"]
    if rel == "OTH" and row["relationship_other"]:
        code = relation_display_to_code(row["relationship_other"])
        relationship.append(
            concept(c.ROLE_CODE, code, row["relationship_other"])
            if code
            else concept(c.NULL_FLAVOR, "OTH", text=row["relationship_other"])
        )
    elif rel:
        relationship.append(concept(c.NULL_FLAVOR if rel == "OTH" else c.ROLE_CODE, rel))
    if relationship:
        res["relationship"] = relationship
    given, family = _split_name(row["name"])
    name = write_name(given, "", "", family)
    name[0]["text"] = row["name"]
    res["name"] = name
    telecom = write_telecom(row["phone"], row["email"])
    if telecom:
        res["telecom"] = telecom
    return res


def _conversation_people(state: PlanState, row: dict[str, Any]) -> list[dict[str, Any]]:
    contacts = _contact_ids(state)
    people = []
    for name in [n.strip() for n in str(row["participants"] or "").split(",") if n.strip()]:
        if name in contacts:
            people.append(reference_to("RelatedPerson", contacts[name], name))
        else:
            people.append({"display": name})
    return people


def procedure(state: PlanState, element: Element) -> dict[str, Any]:
    row = element.data
    res = _base(state, element, c.PROFILES["Procedure"])
    res["status"] = "completed"
    res["code"] = concept(c.SNOMED, c.ACP_PROCEDURE, "advance care planning")
    res["subject"] = _patient_ref(state)
    encounter_id = state.logical_id(Element("Encounter", element.key, element.slug))
    res["encounter"] = {"reference": f"Encounter/{encounter_id}", "type": "Encounter"}
    res["performedPeriod"] = {"start": row["date"], "end": row["date"]}
    performers = []
    held = practitioner_reference(state, row["held_by"])
    if held:
        performer: dict[str, Any] = {"actor": held}
        if row["function"]:
            performer["function"] = concept(
                c_uzi(),
                row["function"],
                str(PractitionerFunction(row["function"]).label)
                if row["function"] in PractitionerFunction.values
                else "",
            )
        performers.append(performer)
    performers += [{"actor": p} for p in _conversation_people(state, row)]
    if row["patient_present"]:
        performers.append({"actor": _patient_ref(state)})
    if performers:
        res["performer"] = performers
    return res


def c_uzi() -> str:
    from ...constants import UZI_ROLE

    return UZI_ROLE


def encounter(state: PlanState, element: Element) -> dict[str, Any]:
    row = element.data
    res = _base(state, element, c.PROFILES["Encounter"])
    res["status"] = "finished"
    res["class"] = {"system": c.ACT_CODE, "code": "IMP", "display": "inpatient encounter"}
    res["subject"] = _patient_ref(state)
    participants = []
    held = practitioner_reference(state, row["held_by"])
    if held:
        participants.append({"individual": held})
    participants += [
        {"individual": p} for p in _conversation_people(state, row) if p.get("reference")
    ]
    if participants:
        res["participant"] = participants
    res["period"] = {"start": row["date"], "end": row["date"]}
    pid = state.logical_id(Element("Procedure", element.key, element.slug))
    res["reasonReference"] = [{"reference": f"Procedure/{pid}", "type": "Procedure"}]
    return res


def _consent_base(state: PlanState, element: Element, kind: str) -> dict[str, Any]:
    res = _base(state, element, c.PROFILES[f"Consent:{kind}"])
    res["status"] = "active"
    if kind == "treatment":
        res["scope"] = concept(c.CONSENT_SCOPE, "treatment", "Treatment")
        res["category"] = [
            concept(c.SNOMED, c.TREATMENT_DIRECTIVE_CATEGORY, "Treatment instructions")
        ]
    else:
        res["scope"] = concept(c.CONSENT_SCOPE, "adr", "Advanced Care Directive")
        res["category"] = [concept(c.CONSENT_CATEGORY, "acd", "Advance Directive")]
    res["patient"] = _patient_ref(state)
    if state.agreement_date:
        res["dateTime"] = state.agreement_date
    return res


def _actors(state: PlanState, role: str) -> list[dict[str, Any]]:
    role_cc = concept(c.ROLE_CODE, role)
    actors = [{"role": role_cc, "reference": _patient_ref(state)}]
    held = author(state)
    if held:
        actors.append({"role": role_cc, "reference": held})
    return actors


def _ended_actors(state: PlanState, row: dict[str, Any]) -> list[dict[str, Any]]:
    """Who agreed an ended limit, as recorded: the patient, contact persons (their
    RelatedPerson), professionals (the directory's PractitionerRole of that name)."""
    role_cc = concept(c.ROLE_CODE, "CONSENTER")
    contacts = _contact_ids(state)
    actors = []
    for actor in row["actors"]:
        if actor["kind"] == "patient":
            ref = _patient_ref(state)
        elif actor["kind"] == "contact" and actor["name"] in contacts:
            ref = reference_to("RelatedPerson", contacts[actor["name"]], actor["name"])
        elif actor["kind"] == "professional" and actor.get("professional_id"):
            pro = Professional.objects.filter(pk=actor["professional_id"]).first()
            ref = directory_reference(pro, actor.get("membership_id"), actor["name"]) or {
                "display": actor["name"]
            }
        elif actor["kind"] == "professional":
            ref = practitioner_reference(state, actor["name"]) or {"display": actor["name"]}
        else:
            ref = {"display": actor["name"]}
        actors.append({"role": role_cc, "reference": ref})
    return actors or [{"role": role_cc, "reference": _patient_ref(state)}]


def treatment_directive(state: PlanState, element: Element) -> dict[str, Any]:
    res = _consent_base(state, element, "treatment")
    res["policy"] = [{"uri": "https://wetten.overheid.nl/"}]
    provision: dict[str, Any] = {"actor": _actors(state, "CONSENTER")}
    if element.key.startswith("ended:"):
        # An ended limit: history. Its own agreement date, who agreed it, when and why it ended.
        row = element.data
        res["status"] = "inactive"
        res.pop("dateTime", None)
        if row["date"]:
            res["dateTime"] = row["date"]
        provision["actor"] = _ended_actors(state, row)
        provision["period"] = {"end": row["ended_on"]}
        if row["reason_for_ending"]:
            provision["extension"] = [
                {"url": c.EXT_REASON_FOR_ENDING, "valueString": row["reason_for_ending"]}
            ]
    if element.key == "icd-deactivation":
        icd = element.data
        decision = icd["deactivation"]
        provision["code"] = [concept(c.NULL_FLAVOR, "OTH", "other", c.ICD_DEACTIVATION_TEXT)]
        if decision == IcdDeactivation.AGREED:
            provision["type"] = "permit"
        else:
            text = (
                "Niet besproken"
                if decision == IcdDeactivation.NOT_DISCUSSED
                else "Nog geen besluit genomen"
            )
            res["modifierExtension"] = [{"url": c.EXT_SPECIFICATION_OTHER, "valueString": text}]
        if icd["deactivation_note"]:
            res["extension"] = [{"url": c.EXT_COMMENT, "valueString": icd["deactivation_note"]}]
    else:
        row = element.data
        if row["treatment"] == Treatment.OTHER:
            provision["code"] = [concept(c.NULL_FLAVOR, "OTH", "other", row["text"])]
        else:
            provision["code"] = [concept(c.SNOMED, row["treatment"])]
        if row["decision"] == TreatmentDecision.YES:
            provision["type"] = "permit"
        elif row["decision"] == TreatmentDecision.NO:
            provision["type"] = "deny"
        if row["decision"] in (TreatmentDecision.CONDITIONAL, TreatmentDecision.NOT_DISCUSSED):
            text = row["specification"] or str(TreatmentDecision(row["decision"]).label)
            res["modifierExtension"] = [{"url": c.EXT_SPECIFICATION_OTHER, "valueString": text}]
        elif row["specification"]:
            res["modifierExtension"] = [
                {"url": c.EXT_SPECIFICATION_OTHER, "valueString": row["specification"]}
            ]
        if row["note"]:
            res["extension"] = [{"url": c.EXT_COMMENT, "valueString": row["note"]}]
    res["provision"] = provision
    return res


def advance_directive(state: PlanState, element: Element) -> dict[str, Any]:
    res = _consent_base(state, element, "adr")
    provision: dict[str, Any] = {"actor": _actors(state, "RESPRSN")[:1]}
    if element.key == "advance:euthanasia":
        provision["code"] = [concept(c.WILSVERKLARING, "EU", "Euthanasieverzoek")]
    else:
        kind, day, comment = _earlier_parts(element.data["note"])
        code = advance_code(kind) if kind else None
        provision["code"] = (
            [concept(c.WILSVERKLARING, code, kind)]
            if code
            else [concept(c.NULL_FLAVOR, "OTH", "other", "Eerder vastgelegde behandelafspraken")]
        )
        if day:
            res["dateTime"] = day
        if comment:
            res["extension"] = [{"url": c.EXT_COMMENT, "valueString": comment}]
    res["provision"] = provision
    return res


_EARLIER = re.compile(
    r"^(?P<kind>[^():]+?)?\s*(?:\((?P<day>\d{4}-\d{2}-\d{2})\))?:\s*(?P<rest>.*)$", re.S
)


def _earlier_parts(note: str) -> tuple[str, str, str]:
    """("Volmacht", "2010-05-06", "volmacht aan echtgenote") from the readable line the
    import writes; anything else is all comment."""
    match = _EARLIER.match(note or "")
    if match is None:
        kind_only = (note or "").strip()
        if advance_code(kind_only):
            return kind_only, "", ""
        return "", "", (note or "").strip()
    kind = (match.group("kind") or "").strip()
    if kind and not advance_code(kind):
        return "", "", (note or "").strip()
    return kind, match.group("day") or "", match.group("rest").strip()


def goal(state: PlanState, element: Element) -> dict[str, Any]:
    data = element.data
    res = _base(state, element, c.PROFILES["Goal"])
    res["lifecycleStatus"] = "active"
    res["category"] = [concept(c.SNOMED, c.ACP_PROCEDURE, "advance care planning")]
    system = c.NULL_FLAVOR if data["code"] == "UNK" else c.SNOMED
    res["description"] = concept(system, data["code"])
    res["subject"] = _patient_ref(state)
    if state.agreement_date:
        res["statusDate"] = state.agreement_date
    if data["note"]:
        res["note"] = [{"text": data["note"]}]
    return res


def _yes_no(code: str) -> dict[str, Any]:
    return concept(c.NULL_FLAVOR if code == "UNK" else c.SNOMED, code)


def observation(state: PlanState, element: Element) -> dict[str, Any]:
    code = element.data
    wishes = state.content["wishes"]
    res = _base(state, element, c.PROFILES[f"Observation:{code}"])
    res["status"] = "final"
    res["code"] = concept(c.SNOMED, code)
    res["subject"] = _patient_ref(state)
    if state.agreement_date:
        res["effectiveDateTime"] = state.agreement_date
    held = author(state)
    if held:
        res["performer"] = [held]
    note = ""
    if code == c.OBS_CARE_WISHES:
        res["method"] = concept(c.SNOMED, c.METHOD_CARE_WISHES)
        res["valueString"] = wishes["care_wishes"]
    elif code == c.OBS_PLACE_OF_DEATH:
        place = wishes["place_of_death"]
        if place == "UNK" or not place:
            res["dataAbsentReason"] = concept(c.DATA_ABSENT, "asked-unknown")
        elif place == "OTH":
            res["valueCodeableConcept"] = concept(
                c.NULL_FLAVOR, "OTH", "other", wishes["place_of_death_other"]
            )
        else:
            res["valueCodeableConcept"] = concept(c.SNOMED, place)
        note = wishes["place_of_death_note"]
    elif code == c.OBS_EUTHANASIA:
        res["valueCodeableConcept"] = _yes_no(wishes["euthanasia_position"])
        note = wishes["euthanasia_note"]
    elif code == c.OBS_DONATION:
        res["method"] = concept(c.SNOMED, c.METHOD_SELF_REPORTED)
        res["valueCodeableConcept"] = _yes_no(wishes["organ_donation_registered"])
    else:
        res["valueString"] = wishes["what_matters"]
    if note:
        res["note"] = [{"text": note}]
    return res


def device(state: PlanState, element: Element) -> dict[str, Any]:
    icd = element.data
    res = _base(state, element, c.PROFILES["Device"])
    res["type"] = concept(
        c.SNOMED, icd["device_type"] or "72506001", "implantable cardioverter-defibrillator"
    )
    res["patient"] = _patient_ref(state)
    return res


def device_use(state: PlanState, element: Element) -> dict[str, Any]:
    icd = element.data
    res = _base(state, element, c.PROFILES["DeviceUseStatement"])
    res["status"] = "active"
    res["subject"] = _patient_ref(state)
    did = state.logical_id(Element("Device", "icd", "icd"))
    res["device"] = {"reference": f"Device/{did}", "type": "Device"}
    if icd["note"]:
        res["note"] = [{"text": icd["note"]}]
    return res


def _recipients(state: PlanState) -> list[dict[str, Any]]:
    contacts = _contact_ids(state)
    return [reference_to("RelatedPerson", rid, name) for name, rid in contacts.items()]


def communication_request(state: PlanState, element: Element) -> dict[str, Any]:
    res = _base(state, element, c.PROFILES["CommunicationRequest"])
    res["status"] = "completed"
    res["category"] = [concept(c.SNOMED, c.INFORM_RELATIVES)]
    res["subject"] = _patient_ref(state)
    res["reasonCode"] = [concept(c.SNOMED, c.ACP_PROCEDURE)]
    if state.agreement_date:
        res["authoredOn"] = state.agreement_date
    held = author(state)
    if held:
        res["requester"] = held
    recipients = _recipients(state)
    if recipients:
        res["recipient"] = recipients
    res["sender"] = _patient_ref(state)
    return res


def communication(state: PlanState, element: Element) -> dict[str, Any]:
    res = _base(state, element, c.PROFILES["Communication"])
    res["status"] = "completed"
    res["subject"] = _patient_ref(state)
    res["topic"] = concept(c.SNOMED, c.INFORM_RELATIVES)
    res["reasonCode"] = [concept(c.SNOMED, c.ACP_PROCEDURE)]
    res["recipient"] = [_patient_ref(state)]
    if state.agreement_date:
        res["sent"] = state.agreement_date
    held = author(state)
    if held:
        res["sender"] = held
    return res


BUILDERS = {
    "RelatedPerson": related_person,
    "Procedure": procedure,
    "Encounter": encounter,
    "Goal": goal,
    "Observation": observation,
    "Device": device,
    "DeviceUseStatement": device_use,
    "CommunicationRequest": communication_request,
    "Communication": communication,
}


#: Types whose ``identifier`` is a single Identifier (0..1), not a list.
SINGLE_IDENTIFIER = frozenset({"QuestionnaireResponse"})


def with_identifiers(resource: dict[str, Any], identifiers: list[dict[str, Any]]) -> dict[str, Any]:
    """The business identifiers the sender gave (kept with the resource's identity), in the
    shape of the type: a list, or one Identifier for QuestionnaireResponse."""
    if identifiers:
        if resource["resourceType"] in SINGLE_IDENTIFIER:
            resource["identifier"] = dict(identifiers[0])
        else:
            resource["identifier"] = [dict(i) for i in identifiers]
    return resource


def build(state: PlanState, element: Element) -> dict[str, Any]:
    """The resource of one plan element, with the business identifiers its sender gave."""
    row = state.rows.get((element.resource_type, element.key))
    return with_identifiers(_build(state, element), list(row.identifiers) if row else [])


def _build(state: PlanState, element: Element) -> dict[str, Any]:
    if element.resource_type == "Consent":
        if element.key.startswith("advance:"):
            return advance_directive(state, element)
        return treatment_directive(state, element)
    if element.resource_type == "Condition":
        return condition(state, element)
    if element.resource_type == "QuestionnaireResponse":
        from .questionnaire import questionnaire_response

        return questionnaire_response(state, element)
    return BUILDERS[element.resource_type](state, element)


def resources(state: PlanState, resource_type: str) -> list[dict[str, Any]]:
    return [build(state, e) for e in elements(state) if e.resource_type == resource_type]


def capacity_extension(state: PlanState) -> dict[str, Any] | None:
    capacity = state.content["capacity"]
    if capacity["value"] not in (AcpYesNoUnknown.YES, AcpYesNoUnknown.NO):
        return None
    ext = [{"url": "legallyCapable", "valueBoolean": capacity["value"] == AcpYesNoUnknown.YES}]
    if capacity["note"]:
        ext.append({"url": "legallyCapableComment", "valueString": capacity["note"]})
    return {"url": c.EXT_LEGALLY_CAPABLE, "extension": ext}


def patient_contacts(state: PlanState) -> list[dict[str, Any]]:
    """The contact persons in Patient.contact (nl-core ContactPerson slice)."""
    result = []
    for e in elements(state):
        if e.resource_type != "RelatedPerson":
            continue
        rp = related_person(state, e)
        contact: dict[str, Any] = {
            "extension": [
                {
                    "url": c.EXT_RELATED_PERSON,
                    "valueReference": {"reference": f"RelatedPerson/{rp['id']}"},
                }
            ],
        }
        for key in ("relationship", "name", "telecom"):
            if key in rp:
                contact[key] = rp[key][0] if key == "name" else rp[key]
        result.append(contact)
    return result


def condition(state: PlanState, element: Element) -> dict[str, Any]:
    """The life-limiting condition as the register classifies it (diagnosis group, as text)."""
    from palliare.patients.constants import DiagnosisGroup

    group = state.patient.diagnosis_group
    label = str(DiagnosisGroup(group).label) if group in DiagnosisGroup.values else group
    res = _base(state, element, c.PROFILES["Condition"])
    res["meta"]["versionId"] = str(state.patient.version)
    res["meta"]["lastUpdated"] = instant(state.patient.updated_at)
    res["clinicalStatus"] = concept(
        "http://terminology.hl7.org/CodeSystem/condition-clinical", "active"
    )
    res["category"] = [
        concept(
            "http://terminology.hl7.org/CodeSystem/condition-category",
            "problem-list-item",
            "Problem List Item",
        )
    ]
    res["code"] = {"text": label}
    res["subject"] = _patient_ref(state)
    if state.patient.marked_since:
        res["recordedDate"] = state.patient.marked_since.isoformat()
    return res
