"""Incoming ACP resources as changes to the care plan's content (the inverse of ``plan``).

Each ``apply_*`` function reads one resource, changes ``state.content`` in place and returns
the plan element it stands for. Problems the plan cannot hold are a 422 naming the element.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.careplans.constants import (
    AcpYesNoUnknown,
    ContactRelationship,
    ContactRole,
    EuthanasiaPosition,
    IcdDeactivation,
    MedicalPolicyGoal,
    PlaceOfDeath,
    PractitionerFunction,
    Treatment,
    TreatmentDecision,
)
from palliare.organizations.models import Membership, Professional

from ...constants import UZI_ROLE
from ...context import FhirContext
from ...models import OpenRole
from ..base import fit, resolve_reference, unprocessable
from ..datatypes import codings, ext_value, read_name, read_telecom
from . import codes as c
from .plan import FUNCTION_OF_DISCIPLINE, PlanState, short_hash
from .vocab import relation_display, role_display

UNKNOWN_TEXTS = {"onbekend", "niet besproken", "nog niet besproken", "unknown", "not discussed", ""}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _notes(data: dict[str, Any]) -> str:
    return "\n".join(
        _text(n.get("text"))
        for n in data.get("note") or []
        if isinstance(n, dict) and _text(n.get("text"))
    )


def _date(value: Any) -> str:
    text = _text(value)[:10]
    try:
        return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else ""
    except ValueError:
        return ""


def _comment(data: dict[str, Any]) -> str:
    value = ext_value(data, c.EXT_COMMENT)
    return _text(value)


def professional_of(ctx: FhirContext, reference: Any, path: str) -> tuple[str, str]:
    """(name, UZI function code) of the professional a reference points at."""
    _rtype, target = resolve_reference(ctx, reference, ("PractitionerRole", "Practitioner"), path)
    if isinstance(target, OpenRole):  # a role without a practitioner (decision 0035)
        return target.label, str(PractitionerFunction.OTHER)
    pro = target.professional if isinstance(target, Membership) else target
    assert isinstance(pro, Professional)
    function = FUNCTION_OF_DISCIPLINE.get(str(pro.discipline), PractitionerFunction.OTHER)
    return pro.full_name, str(function)


# --- contacts (RelatedPerson, Patient.contact) ------------------------------------------------

_ROLE_PRIORITY = [
    ContactRole.LEGAL_REPRESENTATIVE,
    ContactRole.WRITTEN_AUTHORISATION,
    ContactRole.CURATOR,
    ContactRole.MENTOR,
]


def contact_row(data: dict[str, Any], name: str) -> dict[str, Any]:
    role_codes: list[tuple[str, str]] = []
    relation = ""
    relation_other = ""
    for cc in data.get("relationship") or []:
        for system, code in codings(cc):
            if system in (c.ROLE_OID, c.ROLE_OID_ZIB) or (
                system == c.SNOMED and code == ContactRole.WRITTEN_AUTHORISATION
            ):
                role_codes.append((system, code))
            elif system == c.ROLE_CODE:
                if code in ContactRelationship.values:
                    relation = code
                else:
                    relation, relation_other = "OTH", relation_display(code)
            elif system == c.NULL_FLAVOR and code == "OTH":
                relation = "OTH"
                relation_other = _text(cc.get("text"))
    codes_only = [code for _s, code in role_codes]
    role = next((r for r in _ROLE_PRIORITY if r in codes_only), "")
    role_other = ""
    if not role:
        others = [(s, code) for s, code in role_codes if code != ContactRole.FIRST_CONTACT]
        if others:
            role, role_other = ContactRole.OTHER, role_display(*others[0])
        elif ContactRole.FIRST_CONTACT in codes_only:
            role = ContactRole.FIRST_CONTACT
    return {
        "name": name,
        "role": str(role),
        "role_other": role_other,
        "relationship": relation,
        "relationship_other": relation_other,
        "phone": fit(read_telecom(data.get("telecom"), "phone"), 20, "RelatedPerson.telecom"),
        "email": read_telecom(data.get("telecom"), "email"),
        "is_first_contact": ContactRole.FIRST_CONTACT in codes_only,
    }


def _person_name(names: Any) -> str:
    if isinstance(names, dict):
        names = [names]
    name = read_name(names)
    full = " ".join(p for p in (name.given or name.initials, name.prefix, name.family) if p)
    if not full and isinstance(names, list) and names and isinstance(names[0], dict):
        full = _text(names[0].get("text"))
    return full


def merge_contact(state: PlanState, row: dict[str, Any], old_key: str | None = None) -> str:
    contacts = state.content["contacts"]
    wanted = {old_key, f"contact:{short_hash(row['name'])}"} - {None}
    for i, existing in enumerate(contacts):
        if f"contact:{short_hash(existing['name'])}" in wanted:
            contacts[i] = row
            break
    else:
        contacts.append(row)
    return f"contact:{short_hash(row['name'])}"


def apply_related_person(
    ctx: FhirContext, data: dict[str, Any], state: PlanState, old_key: str | None
) -> str:
    name = _person_name(data.get("name"))
    if not name:
        raise unprocessable(
            _("The care plan needs the contact person's name."),
            "RelatedPerson.name",
            "contact-name-required",
        )
    return merge_contact(state, contact_row(data, fit(name, 200, "RelatedPerson.name")), old_key)


def apply_patient_contacts(data: dict[str, Any], state: PlanState) -> None:
    for contact in data.get("contact") or []:
        if not isinstance(contact, dict):
            continue
        name = _person_name(contact.get("name"))
        if name:
            merge_contact(state, contact_row(contact, fit(name, 200, "Patient.contact.name")))


def apply_capacity(data: dict[str, Any], state: PlanState) -> bool:
    for ext in data.get("extension") or []:
        if isinstance(ext, dict) and str(ext.get("url", "")).endswith(
            "ext-LegallyCapable-MedicalTreatmentDecisions"
        ):
            capable = ext_value(ext, "legallyCapable")
            comment = ext_value(ext, "legallyCapableComment")
            capacity = state.content["capacity"]
            if isinstance(capable, bool):
                capacity["value"] = AcpYesNoUnknown.YES if capable else AcpYesNoUnknown.NO
            if isinstance(comment, str):
                capacity["note"] = comment.strip()
            return True
    return False


# --- conversations (Procedure, Encounter) ----------------------------------------------------


def _conversation(state: PlanState, day: str, old_key: str | None) -> dict[str, Any]:
    conversations: list[dict[str, Any]] = state.content["conversations"]
    if old_key and old_key.startswith("conversation:"):
        old_day = old_key.split(":", 1)[1][:10]
        for row in conversations:
            if row["date"] == old_day:
                row["date"] = day
                return row
    for row in conversations:
        if row["date"] == day:
            return row
    row = {"date": day, "held_by": "", "function": "", "patient_present": False, "participants": ""}
    conversations.append(row)
    return row


def _people(
    ctx: FhirContext, refs: list[tuple[Any, str]], row: dict[str, Any], state: PlanState
) -> None:
    names = [n.strip() for n in str(row["participants"] or "").split(",") if n.strip()]
    for ref, path in refs:
        if not isinstance(ref, dict) or "reference" not in ref:
            continue
        rtype = str(ref.get("reference", "")).split("/")[0]
        if rtype in ("PractitionerRole", "Practitioner") or ref.get("type") in (
            "PractitionerRole",
            "Practitioner",
        ):
            row["held_by"], function = professional_of(ctx, ref, path)
            row["function"] = row["function"] or function
        elif rtype == "Patient" or ref.get("type") == "Patient":
            resolve_reference(ctx, ref, ("Patient",), path)
            row["patient_present"] = True
        elif rtype == "RelatedPerson" or ref.get("type") == "RelatedPerson":
            _t, (_patient, key) = resolve_reference(ctx, ref, ("RelatedPerson",), path)
            contact = next(
                (x for x in state.content["contacts"] if f"contact:{short_hash(x['name'])}" == key),
                None,
            )
            if contact is not None and contact["name"] not in names:
                names.append(contact["name"])
    row["participants"] = fit(", ".join(names), 500, "participant")


def apply_procedure(
    ctx: FhirContext, data: dict[str, Any], state: PlanState, old_key: str | None
) -> str:
    if (c.SNOMED, c.ACP_PROCEDURE) not in codings(data.get("code")):
        raise unprocessable(
            _(
                "Palliare keeps ACP conversations only (ACP-Procedure, code SNOMED CT "
                "713603004 advance care planning); this procedure is not one."
            ),
            "Procedure.code",
            "procedure-code",
        )
    day = _date((data.get("performedPeriod") or {}).get("start") or data.get("performedDateTime"))
    if not day:
        raise unprocessable(
            _(
                "The care plan records ACP conversations with their date: send "
                "performedPeriod.start or performedDateTime."
            ),
            "Procedure.performed[x]",
            "conversation-date-required",
        )
    row = _conversation(state, day, old_key)
    refs = []
    for i, performer in enumerate(data.get("performer") or []):
        if isinstance(performer, dict):
            refs.append((performer.get("actor"), f"Procedure.performer[{i}].actor"))
            for s, code in codings(performer.get("function")):
                if s == UZI_ROLE and code in PractitionerFunction.values:
                    row["function"] = code
    _people(ctx, refs, row, state)
    return f"conversation:{day}"


def apply_encounter(
    ctx: FhirContext, data: dict[str, Any], state: PlanState, old_key: str | None
) -> str:
    day = _date((data.get("period") or {}).get("start"))
    if not day:
        raise unprocessable(
            _("The care plan records ACP conversations with their date: send period.start."),
            "Encounter.period.start",
            "conversation-date-required",
        )
    row = _conversation(state, day, old_key)
    refs = [
        (p.get("individual"), f"Encounter.participant[{i}].individual")
        for i, p in enumerate(data.get("participant") or [])
        if isinstance(p, dict)
    ]
    _people(ctx, refs, row, state)
    row["patient_present"] = True  # ACP-Encounter.subject: the patient was present
    return f"conversation:{day}"


# --- Consent ---------------------------------------------------------------------------------


def _specification(data: dict[str, Any]) -> str | None:
    for ext in data.get("modifierExtension") or []:
        if isinstance(ext, dict) and ext.get("url") == c.EXT_SPECIFICATION_OTHER:
            return _text(ext.get("valueString"))
    return None


def apply_consent(
    ctx: FhirContext, data: dict[str, Any], state: PlanState, old_key: str | None
) -> str:
    scopes = {code for _s, code in codings(data.get("scope"))}
    provision = data.get("provision") or {}
    provision_codes = [cc for cc in provision.get("code") or [] if isinstance(cc, dict)]
    if "adr" in scopes:
        return _apply_advance(data, provision_codes, state)
    if "treatment" not in scopes:
        raise unprocessable(
            _(
                "Palliare keeps treatment directives (scope treatment) and "
                "advance directives (scope adr) of the ACP guide."
            ),
            "Consent.scope",
            "consent-scope",
        )
    if not provision_codes:
        raise unprocessable(
            _("A treatment directive needs the treatment (provision.code)."),
            "Consent.provision.code",
            "treatment-required",
        )
    cc = provision_codes[0]
    pairs = codings(cc)
    text = _text(cc.get("text"))
    kind = provision.get("type")
    spec = _specification(data)
    comment = _comment(data)
    ending = _ending(data, provision)
    if ending is not None:
        return _apply_ended(ctx, data, state, old_key, pairs, text, ending)
    if old_key and old_key.startswith("ended:"):
        raise unprocessable(
            _(
                "This treatment directive has ended and stays history; send a new "
                "agreement as a new directive (another id)."
            ),
            "Consent.status",
            "directive-ended",
        )
    if (c.SNOMED, c.ICD_DEACTIVATION) in pairs or c.ICD_DEACTIVATION in text:
        icd = state.content["icd"]
        if kind == "permit":
            icd["deactivation"] = IcdDeactivation.AGREED
        elif spec is not None and "besproken" in spec.lower():
            icd["deactivation"] = IcdDeactivation.NOT_DISCUSSED
        else:
            icd["deactivation"] = IcdDeactivation.NO_DECISION
        icd["deactivation_note"] = comment
        return "icd-deactivation"
    limits = state.content["treatment_limits"]
    snomed = [code for s, code in pairs if s == c.SNOMED and code in Treatment.values]
    if snomed:
        row = next(r for r in limits if r["treatment"] == snomed[0])
        key = f"limit:{snomed[0]}"
    else:
        if not text:
            raise unprocessable(
                _("Another treatment (code OTH) needs its name in provision.code.text."),
                "Consent.provision.code[0].text",
                "treatment-text-required",
            )
        key = f"limit:OTH:{short_hash(text)}"
        row = next(
            (
                r
                for r in limits
                if r["treatment"] == Treatment.OTHER
                and (f"limit:OTH:{short_hash(r['text'])}" in (key, old_key))
            ),
            None,
        )
        if row is None:
            row = {
                "treatment": Treatment.OTHER,
                "text": "",
                "decision": "",
                "specification": "",
                "note": "",
            }
            limits.append(row)
        row["text"] = text
    _decision(row, kind, spec)
    row["note"] = comment
    return key


def _ending(data: dict[str, Any], provision: dict[str, Any]) -> tuple[str, str] | None:
    """(end date, reason) when the directive has ended (status ``inactive``, or an end date
    in ``provision.period``); None when it applies now. Inconsistent endings are a 422."""
    status = data.get("status")
    if status not in (None, "active", "draft", "proposed", "inactive"):
        raise unprocessable(
            _(
                "A treatment directive with status %(status)s is not an agreement; Palliare "
                "keeps directives that apply (active) or have ended (inactive)."
            ),
            "Consent.status",
            "directive-not-active",
            status=str(status)[:20],
        )
    period = provision.get("period") if isinstance(provision.get("period"), dict) else {}
    raw_end = period.get("end") if period else None
    reason = _text(ext_value(provision, c.EXT_REASON_FOR_ENDING))
    end = _date(raw_end)
    if raw_end is not None and not end:
        raise unprocessable(
            _("provision.period.end must be a date (YYYY-MM-DD)."),
            "Consent.provision.period.end",
            "ending-date-invalid",
        )
    if status != "inactive" and not end:
        if reason:
            raise unprocessable(
                _("A reason for ending needs the date the directive ended (provision.period.end)."),
                "Consent.provision.period.end",
                "ending-date-required",
            )
        return None
    if not end:
        raise unprocessable(
            _(
                "An ended treatment directive (status inactive) needs its end date "
                "(provision.period.end)."
            ),
            "Consent.provision.period.end",
            "ending-date-required",
        )
    if dt.date.fromisoformat(end) > timezone.localdate():
        raise unprocessable(
            _(
                "Palliare records the end of a treatment directive once it has ended; "
                "provision.period.end lies in the future."
            ),
            "Consent.provision.period.end",
            "ending-date-future",
        )
    agreed = _date(data.get("dateTime"))
    if agreed and end < agreed:
        raise unprocessable(
            _(
                "A treatment directive cannot end (provision.period.end %(end)s) before it "
                "was agreed (dateTime %(date)s)."
            ),
            "Consent.provision.period.end",
            "ending-before-start",
            end=end,
            date=agreed,
        )
    start = _date(period.get("start")) if period else ""
    if start and end < start:
        raise unprocessable(
            _("provision.period.end (%(end)s) lies before provision.period.start (%(date)s)."),
            "Consent.provision.period.end",
            "ending-before-start",
            end=end,
            date=start,
        )
    return end, reason


def _ended_actors(
    ctx: FhirContext, provision: dict[str, Any], state: PlanState
) -> list[dict[str, Any]]:
    """Who agreed an ended directive: the patient, contact persons, professionals."""
    actors = []
    for i, actor in enumerate(provision.get("actor") or []):
        if not isinstance(actor, dict) or not isinstance(actor.get("reference"), dict):
            continue
        ref = actor["reference"]
        path = f"Consent.provision.actor[{i}].reference"
        if "reference" not in ref:
            name = _text(ref.get("display"))
            if name:
                actors.append({"kind": "professional", "name": fit(name, 200, path)})
            continue
        rtype, target = resolve_reference(
            ctx, ref, ("Patient", "RelatedPerson", "PractitionerRole", "Practitioner"), path
        )
        if rtype == "Patient":
            if target != state.patient:
                raise unprocessable(
                    _("%(path)s must be the patient of the directive."),
                    path,
                    "other-patient",
                    path=path,
                )
            actors.append({"kind": "patient", "name": ""})
        elif rtype == "RelatedPerson":
            _patient, key = target
            contact = next(
                (x for x in state.content["contacts"] if f"contact:{short_hash(x['name'])}" == key),
                None,
            )
            if contact is None or _patient != state.patient:
                raise unprocessable(
                    _("%(path)s must be a contact person of the directive's patient."),
                    path,
                    "other-patient",
                    path=path,
                )
            actors.append({"kind": "contact", "name": contact["name"]})
        elif isinstance(target, OpenRole):
            actors.append({"kind": "professional", "name": target.label})
        else:
            pro = target.professional if isinstance(target, Membership) else target
            assert isinstance(pro, Professional)
            actor_row: dict[str, Any] = {
                "kind": "professional",
                "name": pro.full_name,
                "professional_id": pro.pk,
            }
            if isinstance(target, Membership):
                actor_row["membership_id"] = target.pk
            actors.append(actor_row)
    return actors


def _apply_ended(
    ctx: FhirContext,
    data: dict[str, Any],
    state: PlanState,
    old_key: str | None,
    pairs: list[tuple[str, str]],
    text: str,
    ending: tuple[str, str],
) -> str:
    """An ended treatment directive becomes an ended limit of the plan (history). When the
    client ends a directive it sent as current (same id), the current limit is ended: it
    leaves the treatment limits and the ended one takes its place."""
    from palliare.careplans import content as plan_content

    from .plan import ended_key

    provision = data.get("provision") or {}
    snomed = [code for s, code in pairs if s == c.SNOMED and code in Treatment.values]
    if (c.SNOMED, c.ICD_DEACTIVATION) in pairs or c.ICD_DEACTIVATION in text:
        treatment, text = Treatment.OTHER.value, c.ICD_DEACTIVATION_TEXT
    elif snomed:
        treatment, text = snomed[0], ""
    elif text:
        treatment = Treatment.OTHER.value
    else:
        raise unprocessable(
            _("Another treatment (code OTH) needs its name in provision.code.text."),
            "Consent.provision.code[0].text",
            "treatment-text-required",
        )
    row: dict[str, Any] = {
        "treatment": treatment,
        "text": fit(text, 200, "Consent.provision.code.text"),
    }
    _decision(row, provision.get("type"), _specification(data))
    row["note"] = _comment(data)
    end, reason = ending
    ended = plan_content.ended_limit(
        row,
        ended_on=end,
        reason=fit(reason, 500, "Consent.provision.extension"),
        date=_date(data.get("dateTime")),
        actors=_ended_actors(ctx, provision, state),
    )
    rows: list[dict[str, Any]] = state.content.setdefault("ended_limits", [])
    key = ended_key(ended)
    rows[:] = [r for r in rows if ended_key(r) not in (key, old_key)]
    rows.append(ended)
    if old_key and (old_key.startswith("limit:") or old_key == "icd-deactivation"):
        _end_current(state, old_key)
    return key


def _end_current(state: PlanState, old_key: str) -> None:
    """The current limit ``old_key`` ended: nothing is agreed about that treatment now."""
    if old_key == "icd-deactivation":
        state.content["icd"].update(deactivation="", deactivation_note="")
        return
    limits = state.content["treatment_limits"]
    code = old_key.split(":", 1)[1]
    if code.startswith("OTH:"):
        limits[:] = [
            r
            for r in limits
            if not (r["treatment"] == Treatment.OTHER and f"OTH:{short_hash(r['text'])}" == code)
        ]
        return
    for row in limits:
        if row["treatment"] == code:
            row.update(decision="", specification="", note="")


def _decision(row: dict[str, Any], kind: Any, spec: str | None) -> None:
    if kind == "permit":
        row["decision"], row["specification"] = TreatmentDecision.YES, spec or ""
    elif kind == "deny":
        row["decision"], row["specification"] = TreatmentDecision.NO, spec or ""
    elif spec is not None and spec.lower() not in UNKNOWN_TEXTS:
        row["decision"], row["specification"] = TreatmentDecision.CONDITIONAL, spec
    else:
        row["decision"], row["specification"] = TreatmentDecision.NOT_DISCUSSED, spec or ""


def _apply_advance(
    data: dict[str, Any], provision_codes: list[dict[str, Any]], state: PlanState
) -> str:
    """A written euthanasia request sets the wish; any other advance directive is recorded
    under "agreements recorded earlier", as a readable line: "<kind> (<date>): <comment>"."""
    from .vocab import advance_display

    pairs = [p for cc in provision_codes for p in codings(cc)]
    if any(s == c.WILSVERKLARING and code in ("EU", "EUD") for s, code in pairs):
        state.content["wishes"]["euthanasia_written_request"] = AcpYesNoUnknown.YES
        return "advance:euthanasia"
    earlier = state.content["earlier"]
    earlier["exist"] = AcpYesNoUnknown.YES
    kind = next((advance_display(code) for s, code in pairs if s == c.WILSVERKLARING), "")
    day = _date(data.get("dateTime"))
    head = f"{kind} ({day})" if kind and day else kind or (f"({day})" if day else "")
    comment = _comment(data)
    if head or comment:
        earlier["note"] = fit(
            f"{head}: {comment}" if head and comment else head or comment,
            1000,
            "Consent.extension",
        )
    return "advance:earlier"


# --- Goal, Observations, ICD, sharing ----------------------------------------------------------


def apply_goal(
    ctx: FhirContext, data: dict[str, Any], state: PlanState, old_key: str | None
) -> str:
    codes = [code for _s, code in codings(data.get("description"))]
    code = next(
        (x for x in codes if x in MedicalPolicyGoal.values or x == c.GOAL_OLD_SYMPTOM_RELIEF), ""
    )
    if not code:
        raise unprocessable(
            _("The medical policy goal must be one of the ACP value set."),
            "Goal.description",
            "goal-code",
        )
    categories = data.get("category")
    if categories and (c.SNOMED, c.ACP_PROCEDURE) not in _concepts(categories):
        raise unprocessable(
            _(
                "Palliare keeps the medical policy goal of the ACP conversation only: "
                "Goal.category must carry SNOMED CT 713603004 (advance care planning), or be "
                "left out as before ACP rc2."
            ),
            "Goal.category",
            "goal-category",
        )
    if code == c.GOAL_OLD_SYMPTOM_RELIEF:
        code = MedicalPolicyGoal.SYMPTOM_RELIEF
    state.content["goal"]["code"] = code
    state.content["goal"]["note"] = _notes(data)
    return "goal"


def _value_code(data: dict[str, Any]) -> str:
    return next((code for _s, code in codings(data.get("valueCodeableConcept"))), "")


def apply_observation(
    ctx: FhirContext, data: dict[str, Any], state: PlanState, old_key: str | None
) -> str:
    codes = {code for s, code in codings(data.get("code")) if s == c.SNOMED}
    wishes = state.content["wishes"]
    if c.OBS_CARE_WISHES in codes:
        wishes["care_wishes"] = _text(data.get("valueString"))
        return "wish:care"
    if c.OBS_PLACE_OF_DEATH in codes:
        value = data.get("valueCodeableConcept") or {}
        code = _value_code(data)
        if code in PlaceOfDeath.values and code != "OTH":
            wishes["place_of_death"], wishes["place_of_death_other"] = code, ""
        elif value:
            wishes["place_of_death"] = PlaceOfDeath.OTHER
            wishes["place_of_death_other"] = _text(value.get("text")) or next(
                (_text(x.get("display")) for x in value.get("coding") or [] if isinstance(x, dict)),
                "",
            )
            fit(wishes["place_of_death_other"], 200, "Observation.valueCodeableConcept.text")
        else:
            wishes["place_of_death"], wishes["place_of_death_other"] = PlaceOfDeath.UNKNOWN, ""
        wishes["place_of_death_note"] = _notes(data)
        return "wish:place"
    if c.OBS_EUTHANASIA in codes:
        code = _value_code(data)
        wishes["euthanasia_position"] = code if code in EuthanasiaPosition.values else "UNK"
        wishes["euthanasia_note"] = _notes(data)
        return "wish:euthanasia"
    if c.OBS_DONATION in codes:
        code = _value_code(data)
        wishes["organ_donation_registered"] = (
            code if code in AcpYesNoUnknown.values else AcpYesNoUnknown.UNKNOWN
        )
        return "wish:donation"
    if c.OBS_SENSE_OF_PURPOSE in codes:
        wishes["what_matters"] = _text(data.get("valueString"))
        return "wish:matters"
    raise unprocessable(
        _(
            "Palliare keeps the ACP observations (care wishes, place of death, "
            "euthanasia, organ donation, what matters); this code is not one of "
            "them."
        ),
        "Observation.code",
        "observation-code",
    )


def check_icd(data: dict[str, Any]) -> None:
    """A Device must be what ACP-MedicalDevice.Product-ICD says: an ICD (SNOMED CT 72506001,
    the code the care plan keeps). Anything else is refused, never rewritten into an ICD."""
    if (c.SNOMED, c.ICD) not in codings(data.get("type")):
        raise unprocessable(
            _(
                "Palliare keeps the patient's ICD only (ACP-MedicalDevice.Product-ICD, type "
                "SNOMED CT 72506001); this device is not one, or has a type the care plan "
                "cannot keep."
            ),
            "Device.type",
            "device-type",
        )


def apply_device(
    ctx: FhirContext, data: dict[str, Any], state: PlanState, old_key: str | None
) -> str:
    """A Device with a patient: the patient has an ICD."""
    check_icd(data)
    icd = state.content["icd"]
    icd["present"] = AcpYesNoUnknown.YES
    icd["device_type"] = c.ICD
    return "icd"


def apply_device_use(
    ctx: FhirContext, data: dict[str, Any], state: PlanState, old_key: str | None
) -> str:
    icd = state.content["icd"]
    icd["present"] = AcpYesNoUnknown.YES
    icd["device_type"] = c.ICD
    icd["note"] = _notes(data)
    return "icd"


def _concepts(value: Any) -> list[tuple[str, str]]:
    """(system, code) of every coding of a CodeableConcept or a list of them."""
    items = value if isinstance(value, list) else [value]
    return [pair for item in items for pair in codings(item)]


def check_inform_relatives(data: dict[str, Any]) -> None:
    """A CommunicationRequest must be what ACP-InformRelativesRequest says (category SNOMED CT
    223449006, reasonCode 713603004), a Communication what ACP-Communication says (topic
    223449006, reasonCode 713603004). Anything else is refused: it never sets "patient informed
    relatives" in the plan."""
    rtype = str(data.get("resourceType"))
    where = (
        "CommunicationRequest.category"
        if rtype == "CommunicationRequest"
        else "Communication.topic"
    )
    kinds = data.get("category") if rtype == "CommunicationRequest" else data.get("topic")
    if (c.SNOMED, c.INFORM_RELATIVES) not in _concepts(kinds):
        raise unprocessable(
            _(
                "Palliare keeps the request to inform relatives of the ACP guide only (%(path)s "
                "SNOMED CT 223449006 advising to inform someone); this %(type)s is not one."
            ),
            where,
            "inform-relatives-category",
            path=where,
            type=rtype,
        )
    if (c.SNOMED, c.ACP_PROCEDURE) not in _concepts(data.get("reasonCode")):
        raise unprocessable(
            _(
                "Informing relatives belongs to the ACP conversation: %(type)s.reasonCode must "
                "carry SNOMED CT 713603004 (advance care planning)."
            ),
            f"{rtype}.reasonCode",
            "inform-relatives-reason",
            type=rtype,
        )


def apply_inform_relatives(
    ctx: FhirContext, data: dict[str, Any], state: PlanState, old_key: str | None
) -> str:
    check_inform_relatives(data)
    status = data.get("status")
    state.content["sharing"]["patient_informed"] = (
        AcpYesNoUnknown.YES
        if status in ("completed", "active", "in-progress")
        else AcpYesNoUnknown.UNKNOWN
    )
    return "sharing:informed"


APPLY = {
    "RelatedPerson": apply_related_person,
    "Procedure": apply_procedure,
    "Encounter": apply_encounter,
    "Consent": apply_consent,
    "Goal": apply_goal,
    "Observation": apply_observation,
    "Device": apply_device,
    "DeviceUseStatement": apply_device_use,
    "CommunicationRequest": apply_inform_relatives,
    "Communication": apply_inform_relatives,
}
