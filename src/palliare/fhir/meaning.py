""" "Equal in meaning": the projection of a resource onto what it says clinically and
administratively, used to check that what a client sends comes back from Palliare.

Two resources are equal in meaning when ``meaning(sent)`` is contained in ``meaning(read)``:
every element of the projection of the sent resource has the same value in the projection of
the resource read back (Palliare may add what it knows, such as the GP practice).

The projection keeps, per resource type, the elements the domain holds (docs/subsystems/
fhir.md lists them) in a normal form:

- identifiers as ``system|value``; codes as ``system|code`` (displays, versions and coding
  order do not count); references as ``Type/id`` (display, type and base URL do not count);
- names as the family name string and the given names (or initials) joined by spaces;
- postcodes without spaces in capitals; dates and booleans as they are; texts stripped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Projection = dict[str, Any]


def ref(value: Any) -> str:
    if not isinstance(value, dict) or not isinstance(value.get("reference"), str):
        return ""
    match = re.search(r"([A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64})(/_history/.*)?$", value["reference"])
    return match.group(1) if match else value["reference"]


def codes(concept: Any) -> frozenset[str]:
    if isinstance(concept, list):
        return frozenset().union(*(codes(c) for c in concept)) if concept else frozenset()
    if not isinstance(concept, dict):
        return frozenset()
    return frozenset(
        f"{c.get('system', '')}|{c.get('code', '')}"
        for c in concept.get("coding", []) or []
        if isinstance(c, dict) and c.get("code")
    )


def identifiers(resource: dict[str, Any]) -> frozenset[str]:
    return frozenset(
        f"{i.get('system', '')}|{i.get('value')}"
        for i in resource.get("identifier", []) or []
        if isinstance(i, dict) and i.get("value")
    )


def _name(names: Any) -> tuple[str, str]:
    if not isinstance(names, list) or not names:
        return "", ""
    official = next((n for n in names if n.get("use") == "official"), names[0])
    given = " ".join(official.get("given", []) or [])
    if not given:
        usual: dict[str, Any] = next((n for n in names if n.get("use") == "usual"), {})
        given = " ".join(usual.get("given", []) or [])
    # Initials are compared without the spaces between them ("J. H. R." = "J.H.R.").
    return (official.get("family") or "").strip(), re.sub(
        r"\.\s+(?=\S\.)", ".", " ".join(given.split())
    )


def _telecom(points: Any, systems: tuple[str, ...] = ("phone", "email")) -> frozenset[str]:
    """The first contact point of each system (the domain keeps one of each)."""
    found: dict[str, str] = {}
    for p in points or []:
        if isinstance(p, dict) and p.get("system") in systems and p.get("value"):
            found.setdefault(p["system"], f"{p['system']}|{p['value'].strip()}")
    return frozenset(found.values())


def _address(addresses: Any) -> tuple[str, ...] | None:
    from .resources.datatypes import read_address

    items = addresses if isinstance(addresses, list) else [addresses] if addresses else []
    parsed = read_address(items)
    if parsed is None:
        return None
    return (
        parsed.street,
        parsed.house_number,
        parsed.postcode.replace(" ", "").upper(),
        parsed.city,
    )


def _clean(projection: Projection) -> Projection:
    return {k: v for k, v in projection.items() if v not in (None, "", frozenset(), (), [])}


def patient(r: dict[str, Any]) -> Projection:
    family, given = _name(r.get("name"))
    return _clean(
        {
            "identifier": identifiers(r),
            "family": family,
            "given": given,
            "gender": r.get("gender"),
            "birthDate": r.get("birthDate"),
            "address": _address(r.get("address")),
            "telecom": _telecom(r.get("telecom"), ("phone",)),
            "generalPractitioner": frozenset(ref(g) for g in r.get("generalPractitioner") or []),
        }
    )


def organization(r: dict[str, Any]) -> Projection:
    from .resources.directory import CODE_TO_ORG_TYPE

    return _clean(
        {
            "identifier": identifiers(r),
            "name": (r.get("name") or "").strip(),
            "type": frozenset(
                c for c in codes(r.get("type")) if c.split("|")[1] in CODE_TO_ORG_TYPE
            ),
            "telecom": _telecom(r.get("telecom"), ("phone", "email", "url")),
            "partOf": ref(r.get("partOf")),
        }
    )


def location(r: dict[str, Any]) -> Projection:
    return _clean(
        {
            "identifier": identifiers(r),
            "name": (r.get("name") or "").strip(),
            "address": _address(r.get("address")),
            "telecom": _telecom(r.get("telecom"), ("phone",)),
            "managingOrganization": ref(r.get("managingOrganization")),
        }
    )


def practitioner(r: dict[str, Any]) -> Projection:
    family, given = _name(r.get("name"))
    return _clean(
        {
            "identifier": identifiers(r),
            "family": family,
            "given": given,
            "telecom": _telecom(r.get("telecom")),
        }
    )


def practitioner_role(r: dict[str, Any]) -> Projection:
    return _clean(
        {
            "identifier": identifiers(r),
            "practitioner": ref(r.get("practitioner")),
            "organization": ref(r.get("organization")),
            "telecom": _telecom(
                r.get("telecom"), ("phone",) if r.get("organization") else ("phone", "email")
            ),
            "period": (r.get("period") or {}).get("end"),
        }
    )


def _refs(values: Any, key: str | None = None) -> frozenset[str]:
    items = values if isinstance(values, list) else [values] if values else []
    found = set()
    for item in items:
        target = item.get(key) if key and isinstance(item, dict) else item
        if ref(target):
            found.add(ref(target))
    return frozenset(found)


def _texts(notes: Any) -> frozenset[str]:
    return frozenset(
        n["text"].strip()
        for n in notes or []
        if isinstance(n, dict) and isinstance(n.get("text"), str) and n["text"].strip()
    )


def _day(value: Any) -> str:
    return value[:10] if isinstance(value, str) else ""


def _ext(resource: dict[str, Any], suffix: str) -> Any:
    for ext in resource.get("extension", []) or []:
        if isinstance(ext, dict) and str(ext.get("url", "")).endswith(suffix):
            return next((v for k, v in ext.items() if k.startswith("value")), None)
    return None


def _modifier(resource: dict[str, Any], suffix: str) -> Any:
    return _ext({"extension": resource.get("modifierExtension")}, suffix)


def related_person(r: dict[str, Any]) -> Projection:
    family, given = _name(r.get("name"))
    return _clean(
        {
            "patient": ref(r.get("patient")),
            "name": " ".join(p for p in (given, family) if p),
            "relationship": codes(r.get("relationship")),
            "telecom": _telecom(r.get("telecom")),
        }
    )


def procedure(r: dict[str, Any]) -> Projection:
    return _clean(
        {
            "subject": ref(r.get("subject")),
            "code": codes(r.get("code")),
            "performed": _day(
                (r.get("performedPeriod") or {}).get("start") or r.get("performedDateTime")
            ),
            "performer": _refs(r.get("performer"), "actor"),
        }
    )


def encounter(r: dict[str, Any]) -> Projection:
    klass = r.get("class") if isinstance(r.get("class"), dict) else {}
    hospitalization = r.get("hospitalization") or {}
    return _clean(
        {
            "subject": ref(r.get("subject")),
            "status": r.get("status"),
            "class": f"{klass.get('system', '')}|{klass.get('code')}" if klass else "",
            "period": _day((r.get("period") or {}).get("start")),
            "periodEnd": _day((r.get("period") or {}).get("end")),
            "participant": _refs(r.get("participant"), "individual"),
            "reasonReference": _refs(r.get("reasonReference")),
            "location": _refs(r.get("location"), "location"),
            "admitSource": codes(hospitalization.get("admitSource")),
            "dischargeDisposition": codes(hospitalization.get("dischargeDisposition")),
        }
    )


def consent(r: dict[str, Any]) -> Projection:
    provision = r.get("provision") or {}
    code_text = frozenset(
        c.get("text", "").strip()
        for c in provision.get("code") or []
        if isinstance(c, dict) and c.get("text")
    )
    return _clean(
        {
            "patient": ref(r.get("patient")),
            "scope": codes(r.get("scope")),
            "category": codes(r.get("category")),
            "code": codes(provision.get("code")),
            "codeText": code_text,
            "type": provision.get("type"),
            "specificationOther": _modifier(r, "ext-TreatmentDirective2.SpecificationOther"),
            "comment": _ext(r, "ext-Comment"),
            "dateTime": _day(r.get("dateTime")),
            "actor": _refs(provision.get("actor"), "reference"),
            # An ended directive: its status, when it ended and why (zib ReasonForEnding).
            "status": r.get("status"),
            "periodEnd": _day((provision.get("period") or {}).get("end")),
            "reasonForEnding": _ext(provision, "ext-TreatmentDirective2.ReasonForEnding"),
        }
    )


def goal(r: dict[str, Any]) -> Projection:
    return _clean(
        {
            "subject": ref(r.get("subject")),
            "description": codes(r.get("description")),
            "note": _texts(r.get("note")),
            "statusDate": _day(r.get("statusDate")),
        }
    )


def observation(r: dict[str, Any]) -> Projection:
    return _clean(
        {
            "subject": ref(r.get("subject")),
            "code": codes(r.get("code")),
            "value": codes(r.get("valueCodeableConcept")) or (r.get("valueString") or "").strip(),
            "dataAbsentReason": codes(r.get("dataAbsentReason")),
            "note": _texts(r.get("note")),
            "effective": _day(r.get("effectiveDateTime")),
            "performer": _refs(r.get("performer")),
        }
    )


def device(r: dict[str, Any]) -> Projection:
    return _clean({"type": codes(r.get("type")), "patient": ref(r.get("patient"))})


def device_use(r: dict[str, Any]) -> Projection:
    return _clean(
        {
            "subject": ref(r.get("subject")),
            "device": ref(r.get("device")),
            "note": _texts(r.get("note")),
        }
    )


def communication(r: dict[str, Any]) -> Projection:
    return _clean(
        {
            "subject": ref(r.get("subject")),
            "topic": codes(r.get("topic")) | codes(r.get("category")),
            "reasonCode": codes(r.get("reasonCode")),
            "date": _day(r.get("sent") or r.get("authoredOn")),
            "sender": ref(r.get("sender"))
            if r.get("resourceType") == "Communication"
            else ref(r.get("requester")),
        }
    )


#: Form items with the kind of a phone number or e-mail address (home, work, mobile): the
#: plan keeps the number and the address, not their kind.
_TELECOM_KIND_ITEMS = frozenset({"977", "978", "979", "981", "989", "990", "991", "993"})


def questionnaire_response(r: dict[str, Any]) -> Projection:
    from .resources.acp.form_reading import answers_by_link

    answers: dict[str, frozenset[str]] = {}
    for link, values in answers_by_link(r.get("item")).items():
        if link in _TELECOM_KIND_ITEMS:
            continue
        normal = set()
        for answer in values:
            for key, value in answer.items():
                if key == "valueCoding" and isinstance(value, dict):
                    normal.add(f"{value.get('system', '')}|{value.get('code')}")
                elif key in ("valueDateTime", "valueDate"):
                    normal.add(_day(value))
                elif key.startswith("value") and isinstance(value, str):
                    normal.add(value.strip())
        answers[link] = frozenset(normal)
    questionnaire = (
        str(r.get("questionnaire") or "")
        .split("|")[0]
        .replace("https://fhir.iknl.nl/fhir/", "https://api.iknl.nl/docs/pzp/r4/")
    )
    return _clean(
        {
            "questionnaire": questionnaire,
            "subject": ref(r.get("subject")),
            **{f"item:{k}": v for k, v in answers.items()},
        }
    )


PROJECTIONS: dict[str, Callable[[dict[str, Any]], Projection]] = {
    "RelatedPerson": related_person,
    "Procedure": procedure,
    "Encounter": encounter,
    "Consent": consent,
    "Goal": goal,
    "Observation": observation,
    "Device": device,
    "DeviceUseStatement": device_use,
    "Communication": communication,
    "CommunicationRequest": communication,
    "QuestionnaireResponse": questionnaire_response,
    "Patient": patient,
    "Organization": organization,
    "Location": location,
    "Practitioner": practitioner,
    "PractitionerRole": practitioner_role,
}


def meaning(resource: dict[str, Any]) -> Projection:
    project = PROJECTIONS.get(resource.get("resourceType", ""))
    return project(resource) if project else {}


def differences(sent: dict[str, Any], read: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The projected elements of ``sent`` that ``read`` does not say the same way."""
    a, b = meaning(sent), meaning(read)
    return {k: (v, b.get(k)) for k, v in a.items() if not _equal(k, v, b.get(k))}


#: Projected elements whose sets may grow on the way back (the plan adds what it knows, e.g.
#: the patient as performer of the conversation, or other answers of the same form).
_GROWING = ("performer", "participant", "actor", "relationship", "item:", "telecom")


def _equal(key: str, sent: Any, read: Any) -> bool:
    if key.startswith(_GROWING) and isinstance(sent, frozenset) and isinstance(read, frozenset):
        return sent <= read
    return bool(sent == read)


def equal_in_meaning(sent: dict[str, Any], read: dict[str, Any]) -> bool:
    return not differences(sent, read)
