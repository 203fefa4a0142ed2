"""A patient's care plan as FHIR resources (export), with stable logical ids per element."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from palliare.careplans import content as plan_content
from palliare.careplans.constants import (
    AcpYesNoUnknown,
    PractitionerFunction,
    Treatment,
    TreatmentDecision,
)
from palliare.organizations.constants import Discipline
from palliare.organizations.models import Membership, Professional
from palliare.patients.models import Patient

from ... import identity
from ...models import ResourceIdentity
from ..base import reference_to
from . import codes as c

FUNCTION_OF_DISCIPLINE: dict[str, str] = {
    Discipline.GENERAL_PRACTITIONER: PractitionerFunction.GP,
    Discipline.ELDERLY_CARE_PHYSICIAN: PractitionerFunction.ELDERLY_CARE_PHYSICIAN,
    Discipline.NURSE: PractitionerFunction.NURSE,
    Discipline.NURSE_SPECIALIST: PractitionerFunction.NURSE,
    Discipline.PHYSICIAN_ASSISTANT: PractitionerFunction.PHYSICIAN_ASSISTANT,
    Discipline.PHYSICIAN: PractitionerFunction.PHYSICIAN,
    Discipline.MEDICAL_SPECIALIST: PractitionerFunction.PHYSICIAN,
}


def short_hash(text: str) -> str:
    return hashlib.sha256(text.strip().lower().encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Element:
    """One resource the plan yields: its type, the plan element it stands for, its id slug."""

    resource_type: str
    key: str
    slug: str
    data: Any = None


@dataclass
class PlanState:
    patient: Patient
    patient_ref: str  # "Patient/<logical id>"
    version_number: int
    version_date: dt.datetime | None
    content: dict[str, Any]
    rows: dict[tuple[str, str], ResourceIdentity] = field(default_factory=dict)
    people: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    #: Who saved the current version (name, organisation), for a display-only reference.
    version_author: str = ""

    def logical_id(self, element: Element) -> str:
        row = self.rows.get((element.resource_type, element.key))
        return row.logical_id if row else f"acp-{self.patient.pk}-{element.slug}"

    @property
    def agreement_date(self) -> str:
        """The date of the agreements: the most recent ACP conversation, else the version."""
        conversations = self.content.get("conversations") or []
        if conversations and conversations[0].get("date"):
            return str(conversations[0]["date"])
        return self.version_date.date().isoformat() if self.version_date else ""


def load(patient: Patient) -> PlanState:
    return load_many([patient])[0]


#: The patient's relation to the plan and its current version (``select_related``), which
#: :func:`load_many` takes from patients loaded with it instead of querying.
PLAN_RELATION = "care_plan__current_version"


def _plans(patients: list[Patient]) -> dict[int, Any]:
    """The care plans (with their current version) of the patients, taken from those loaded
    with :data:`PLAN_RELATION`; one query for the others."""
    from palliare.careplans.models import CarePlan

    plans: dict[int, Any] = {}
    others = []
    for patient in patients:
        loaded = patient._state.fields_cache
        if "care_plan" in loaded:
            if loaded["care_plan"] is not None:
                plans[patient.pk] = loaded["care_plan"]
        else:
            others.append(patient.pk)
    if others:
        plans.update(
            (plan.patient_id, plan)
            for plan in CarePlan.objects.select_related("current_version").filter(
                patient_id__in=others
            )
        )
    return plans


def load_many(patients: list[Patient]) -> list[PlanState]:
    """The plan states of several patients in at most two queries (the plans, unless loaded
    with the patients; the identity rows, unless fetched ahead)."""
    from ..patient import prefetch

    pks = [p.pk for p in patients]
    plans = _plans(patients)
    prefetch(patients)  # within identity.batch(): with the patients' and practices' rows
    rows: dict[int, dict[tuple[str, str], ResourceIdentity]] = {pk: {} for pk in pks}
    patient_ids: dict[int, str] = {}
    for found in identity.rows_of_patients(pks).values():
        for row in found:
            if row.resource_type == "Patient" and row.element == "":
                patient_ids[row.target_id] = row.logical_id
            elif row.element and row.patient_id is not None:
                rows[row.patient_id][(row.resource_type, row.element)] = row
    # One directory lookup per name for all the plans loaded together.
    people: dict[str, dict[str, Any] | None] = {}
    states = [
        _state(p, plans.get(p.pk), rows[p.pk], patient_ids.get(p.pk, str(p.pk))) for p in patients
    ]
    for state in states:
        state.people = people
    return states


def versions(patient: Patient) -> list[PlanState]:
    """The plan as it was at each of its versions, newest first (for ``_history``/``vread``).
    Ids are today's: a client's id names the element in every version."""
    from palliare.careplans.models import CarePlanVersion

    current = load(patient)
    return [
        _state(patient, None, current.rows, current.patient_ref.split("/", 1)[1], version)
        for version in CarePlanVersion.objects.filter(plan__patient=patient).order_by("-number")
    ]


def _state(
    patient: Patient,
    plan: Any,
    rows: dict[tuple[str, str], ResourceIdentity],
    pid: str,
    at: Any = None,
) -> PlanState:
    version = at if at is not None else (plan.current_version if plan is not None else None)
    content = plan_content.normalise(version.content) if version else plan_content.empty()
    return PlanState(
        patient,
        f"Patient/{pid}",
        version.number if version else 0,
        version.created_at if version else None,
        content,
        rows,
        version_author=(
            ", ".join(p for p in (version.author_name, version.author_organization_name) if p)
            if version
            else ""
        ),
    )


# --- which elements a plan has ---------------------------------------------------------------


def _decided(row: dict[str, Any]) -> bool:
    if row["decision"] in ("", None):
        return False
    if row["decision"] == TreatmentDecision.NOT_DISCUSSED:
        return bool(row["specification"] or row["note"])
    return True


def elements(state: PlanState) -> list[Element]:
    content = state.content
    found: list[Element] = []
    if state.patient.diagnosis_group:
        found.append(Element("Condition", "condition", "diagnosis", None))
    if state.version_number == 0:
        return found
    for row in content["contacts"]:
        key = f"contact:{short_hash(row['name'])}"
        found.append(Element("RelatedPerson", key, f"contact-{short_hash(row['name'])}", row))
    seen: dict[str, int] = {}
    for row in content["conversations"]:
        day = str(row["date"])
        seen[day] = seen.get(day, 0) + 1
        suffix = f"-{seen[day]}" if seen[day] > 1 else ""
        key = f"conversation:{day}{suffix}"
        slug = f"conv-{day.replace('-', '')}{suffix}"
        found += [Element("Procedure", key, slug, row), Element("Encounter", key, slug, row)]
    if content["goal"]["code"]:
        found.append(Element("Goal", "goal", "goal", content["goal"]))
    for row in content["treatment_limits"]:
        if not _decided(row):
            continue
        if row["treatment"] == Treatment.OTHER:
            h = short_hash(row["text"])
            found.append(Element("Consent", f"limit:OTH:{h}", f"limit-oth-{h}", row))
        else:
            found.append(
                Element("Consent", f"limit:{row['treatment']}", f"limit-{row['treatment']}", row)
            )
    found += ended_elements(content)
    icd = content["icd"]
    if icd["deactivation"]:
        found.append(Element("Consent", "icd-deactivation", "limit-icd-off", icd))
    if icd["present"] == AcpYesNoUnknown.YES:
        found += [
            Element("Device", "icd", "icd", icd),
            Element("DeviceUseStatement", "icd", "icd", icd),
        ]
    wishes = content["wishes"]
    if wishes["care_wishes"]:
        found.append(Element("Observation", "wish:care", "care-wishes", c.OBS_CARE_WISHES))
    if wishes["place_of_death"] or wishes["place_of_death_note"]:
        found.append(Element("Observation", "wish:place", "place-of-death", c.OBS_PLACE_OF_DEATH))
    if wishes["euthanasia_position"]:
        found.append(Element("Observation", "wish:euthanasia", "euthanasia", c.OBS_EUTHANASIA))
    if wishes["organ_donation_registered"]:
        found.append(Element("Observation", "wish:donation", "organ-donation", c.OBS_DONATION))
    if wishes["what_matters"]:
        found.append(Element("Observation", "wish:matters", "what-matters", c.OBS_SENSE_OF_PURPOSE))
    if wishes["euthanasia_written_request"] == AcpYesNoUnknown.YES:
        found.append(Element("Consent", "advance:euthanasia", "advance-euthanasia", wishes))
    if content["earlier"]["exist"] == AcpYesNoUnknown.YES:
        found.append(Element("Consent", "advance:earlier", "advance-earlier", content["earlier"]))
    if content["sharing"]["patient_informed"] == AcpYesNoUnknown.YES:
        found += [
            Element("CommunicationRequest", "sharing:informed", "inform-relatives", None),
            Element("Communication", "sharing:informed", "inform-relatives", None),
        ]
    found.append(Element("QuestionnaireResponse", "form", "form", None))
    return found


def ended_code(row: dict[str, Any]) -> str:
    """``305351004`` or ``OTH:<hash of the text>``: the treatment part of an ended limit's key."""
    if row["treatment"] == Treatment.OTHER:
        return f"OTH:{short_hash(row['text'])}"
    return str(row["treatment"])


def ended_key(row: dict[str, Any]) -> str:
    """The plan element of an ended treatment limit: ``ended:<treatment>@<end date>``."""
    return f"ended:{ended_code(row)}@{row['ended_on']}"


def ended_elements(content: dict[str, Any]) -> list[Element]:
    """One Consent (status inactive) per ended treatment limit."""
    found = []
    seen: dict[str, int] = {}
    for row in content.get("ended_limits") or []:
        key = ended_key(row)
        seen[key] = seen.get(key, 0) + 1
        suffix = f"-{seen[key]}" if seen[key] > 1 else ""
        code = ended_code(row).replace(":", "-").lower()
        slug = f"ended-{code}-{str(row['ended_on']).replace('-', '')}{suffix}"
        found.append(Element("Consent", key + suffix, slug, row))
    return found


# --- the professional who held a conversation ----------------------------------------------------


def professional_named(name: str) -> Professional | None:
    """The one directory professional with exactly this full name, or None."""
    if not name.strip():
        return None
    last = name.split()[-1]
    candidates = [
        p
        for p in Professional.objects.filter(family_name__iendswith=last)[:20]
        if p.full_name.strip().lower() == name.strip().lower()
    ]
    return candidates[0] if len(candidates) == 1 else None


def open_role_named(name: str) -> dict[str, Any] | None:
    """A reference to the one role without a practitioner (decision 0035) of this name."""
    from ...models import OpenRole

    found = [
        role
        for role in OpenRole.objects.select_related("organization").order_by("pk")[:500]
        if role.label == name
    ]
    if len(found) != 1:
        return None
    row = ResourceIdentity.objects.filter(
        resource_type="PractitionerRole", target_type="fhir.openrole", target_id=found[0].pk
    ).first()
    return reference_to("PractitionerRole", row.logical_id, name) if row is not None else None


def practitioner_reference(state: PlanState, name: str) -> dict[str, Any] | None:
    """A reference to the PractitionerRole (else Practitioner) of the professional who held
    the conversation; a display-only reference when the directory does not know the name."""
    if not name:
        return None
    if name not in state.people:
        pro = professional_named(name)
        state.people[name] = (
            directory_reference(pro, None, name) if pro is not None else open_role_named(name)
        )
    found = state.people[name]
    return dict(found) if found else {"display": name}


def directory_reference(
    pro: Professional | None, membership_id: int | None, name: str
) -> dict[str, Any] | None:
    """The PractitionerRole that stands for a membership (or for the professional), else the
    professional's Practitioner; None without a professional."""
    rows = ResourceIdentity.objects.filter(resource_type="PractitionerRole")
    row = None
    if membership_id is not None:
        row = rows.filter(target_type="organizations.membership", target_id=membership_id).first()
    if row is None and pro is not None:
        row = (
            rows.filter(target_type="organizations.professional", target_id=pro.pk).first()
            or rows.filter(
                target_type="organizations.membership",
                target_id__in=Membership.objects.filter(professional=pro).values("pk"),
            ).first()
        )
    if row is not None:
        return reference_to("PractitionerRole", row.logical_id, name)
    if pro is None:
        return None
    return reference_to("Practitioner", identity.logical_id("Practitioner", pro), name)


def author(state: PlanState) -> dict[str, Any] | None:
    """Who made the agreements: the professional of the latest conversation (a reference to
    the directory when it knows the name, else by name), else who saved the version."""
    conversations = state.content["conversations"]
    if conversations and conversations[0]["held_by"]:
        return practitioner_reference(state, conversations[0]["held_by"])
    return {"display": state.version_author} if state.version_author else None
