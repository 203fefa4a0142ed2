"""The content of one care-plan version: a plain, JSON-serialisable dict whose values are the
codes of the IKNL ACP standard (see constants.py). This module is the single definition of that
structure: its empty form, its validation (the bad-input rules hold for every writer, not only
the web form), the readable flattening used for "what changed" and the display used by the plan
page, the acute view and the printed copy.

Structure (``SCHEMA`` = 1)::

    capacity        {value: AcpYesNoUnknown | "", note}
    contacts        [{name, role: ContactRole, role_other, relationship: ContactRelationship,
                      relationship_other, phone, email, is_first_contact}]
    conversations   [{date: ISO date, held_by, function: PractitionerFunction,
                      patient_present, participants}]
    goal            {code: MedicalPolicyGoal | "", note}
    treatment_limits [{treatment: Treatment, text, decision: TreatmentDecision, specification,
                      note}]  -- the six coded treatments first, always, then "other" rows
    icd             {present: AcpYesNoUnknown | "", device_type, note,
                     deactivation: IcdDeactivation | "", deactivation_note}
    wishes          {care_wishes, place_of_death: PlaceOfDeath | "", place_of_death_other,
                     place_of_death_note, euthanasia_position: EuthanasiaPosition | "",
                     euthanasia_note, euthanasia_written_request: AcpYesNoUnknown | "",
                     organ_donation_registered: AcpYesNoUnknown | "", what_matters}
    earlier         {exist: AcpYesNoUnknown | "", note, differ: AcpYesNoUnknown | ""}
    sharing         {patient_informed: AcpYesNoUnknown | "", agreement: ShareAgreement | ""}
    ended_limits    [{treatment: Treatment, text, decision: TreatmentDecision, specification,
                      note, date: ISO date | "" (agreed on), actors: [{kind: ActorKind, name,
                      professional_id?, membership_id?}],
                      ended_on: ISO date, reason_for_ending}]  -- history: limits that no
                      longer apply, newest end first; never the current decision
    goals           [{dimension: Dimension, goal, action, responsible_id, responsible_name,
                      status: GoalStatus}]
    medication      {present: AcpYesNoUnknown | "", location, note}
    review_date     ISO date | ""
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palliare.patients.constants import Dimension

from .constants import (
    CODED_TREATMENTS,
    AcpYesNoUnknown,
    ContactRelationship,
    ContactRole,
    EuthanasiaPosition,
    GoalStatus,
    IcdDeactivation,
    IcdDeviceType,
    MedicalPolicyGoal,
    PlaceOfDeath,
    PractitionerFunction,
    ShareAgreement,
    Treatment,
    TreatmentDecision,
)

SCHEMA = 1
Content = dict[str, Any]

CONTACT_KEYS = (
    "name",
    "role",
    "role_other",
    "relationship",
    "relationship_other",
    "phone",
    "email",
    "is_first_contact",
)
CONVERSATION_KEYS = ("date", "held_by", "function", "patient_present", "participants")
LIMIT_KEYS = ("treatment", "text", "decision", "specification", "note")
ENDED_LIMIT_KEYS = (*LIMIT_KEYS, "date", "actors", "ended_on", "reason_for_ending")
#: Who agreed an ended limit: the patient, a contact person (by name) or a professional (by
#: name; the FHIR export refers to the directory's entry of that name).
ACTOR_KINDS = ("patient", "contact", "professional")
GOAL_KEYS = ("dimension", "goal", "action", "responsible_id", "responsible_name", "status")

SECTIONS: dict[str, tuple[str, ...]] = {
    "capacity": ("value", "note"),
    "goal": ("code", "note"),
    "icd": ("present", "device_type", "note", "deactivation", "deactivation_note"),
    "wishes": (
        "care_wishes",
        "place_of_death",
        "place_of_death_other",
        "place_of_death_note",
        "euthanasia_position",
        "euthanasia_note",
        "euthanasia_written_request",
        "organ_donation_registered",
        "what_matters",
    ),
    "earlier": ("exist", "note", "differ"),
    "sharing": ("patient_informed", "agreement"),
    "medication": ("present", "location", "note"),
}

#: Readable labels of every field (the plan page, the diff, the printed copy).
LABELS: dict[str, str | Promise] = {
    "capacity.value": _("Has decision-making capacity for medical decisions"),
    "capacity.note": _("Explanation of decision-making capacity"),
    "goal.code": _("Main goal of medical policy"),
    "goal.note": _("Explanation of the goal"),
    "icd.present": _("Has an ICD"),
    "icd.device_type": _("Type of ICD"),
    "icd.note": _("Note on the ICD"),
    "icd.deactivation": _("Agreement on switching off the ICD"),
    "icd.deactivation_note": _("Agreements on switching off the ICD"),
    "wishes.care_wishes": _("Specific care wishes"),
    "wishes.place_of_death": _("Preferred place of death"),
    "wishes.place_of_death_other": _("Other place of death"),
    "wishes.place_of_death_note": _("Note on the place of death"),
    "wishes.euthanasia_position": _("Position on euthanasia"),
    "wishes.euthanasia_note": _("Note on euthanasia"),
    "wishes.euthanasia_written_request": _("Written euthanasia request exists"),
    "wishes.organ_donation_registered": _("Choice registered in the donor register"),
    "wishes.what_matters": _("What else matters to the patient"),
    "earlier.exist": _("Agreements recorded earlier"),
    "earlier.note": _("Note on earlier agreements"),
    "earlier.differ": _("Earlier agreements differ from this plan"),
    "sharing.patient_informed": _(
        "Patient informed about sharing these agreements with their relatives"
    ),
    "sharing.agreement": _("Patient agrees to share these agreements with other professionals"),
    "medication.present": _("Anticipatory medication (palliative kit) at home"),
    "medication.location": _("Where the medication is kept"),
    "medication.note": _("Note on the medication"),
    "review_date": _("Review date"),
    "contact.name": _("name"),
    "contact.role": _("role"),
    "contact.role_other": _("other role"),
    "contact.relationship": _("relationship"),
    "contact.relationship_other": _("other relationship"),
    "contact.phone": _("phone"),
    "contact.email": _("e-mail"),
    "contact.is_first_contact": _("first contact person"),
    "conversation.date": _("date"),
    "conversation.held_by": _("held by"),
    "conversation.function": _("function"),
    "conversation.patient_present": _("patient present"),
    "conversation.participants": _("also present"),
    "limit.decision": _("decision"),
    "limit.specification": _("conditions"),
    "limit.note": _("note"),
    "limit.text": _("treatment"),
    "ended.date": _("agreed on"),
    "ended.actors": _("agreed by"),
    "ended.ended_on": _("ended on"),
    "ended.reason_for_ending": _("reason for ending"),
    "goal_item.dimension": _("dimension"),
    "goal_item.goal": _("goal"),
    "goal_item.action": _("action"),
    "goal_item.responsible_name": _("responsible"),
    "goal_item.status": _("status"),
}

#: Which code list a coded field's value comes from (for readable display).
CHOICES: dict[str, type[models.TextChoices]] = {
    "capacity.value": AcpYesNoUnknown,
    "goal.code": MedicalPolicyGoal,
    "icd.present": AcpYesNoUnknown,
    "icd.device_type": IcdDeviceType,
    "icd.deactivation": IcdDeactivation,
    "wishes.place_of_death": PlaceOfDeath,
    "wishes.euthanasia_position": EuthanasiaPosition,
    "wishes.euthanasia_written_request": AcpYesNoUnknown,
    "wishes.organ_donation_registered": AcpYesNoUnknown,
    "earlier.exist": AcpYesNoUnknown,
    "earlier.differ": AcpYesNoUnknown,
    "sharing.patient_informed": AcpYesNoUnknown,
    "sharing.agreement": ShareAgreement,
    "medication.present": AcpYesNoUnknown,
    "contact.role": ContactRole,
    "contact.relationship": ContactRelationship,
    "conversation.function": PractitionerFunction,
    "limit.decision": TreatmentDecision,
    "limit.treatment": Treatment,
    "ended.decision": TreatmentDecision,
    "goal_item.dimension": Dimension,
    "goal_item.status": GoalStatus,
}


def empty() -> Content:
    """The content of a plan nobody has filled in yet."""
    content: Content = {"schema": SCHEMA}
    for section, keys in SECTIONS.items():
        content[section] = dict.fromkeys(keys, "")
    content["contacts"] = []
    content["conversations"] = []
    content["treatment_limits"] = [
        {"treatment": str(t), "text": "", "decision": "", "specification": "", "note": ""}
        for t in CODED_TREATMENTS
    ]
    content["ended_limits"] = []
    content["goals"] = []
    content["review_date"] = ""
    return content


def normalise(raw: Content) -> Content:
    """A complete, canonical copy of ``raw``: every key present, strings stripped, rows in a
    stable order, unknown keys dropped. Two equal plans normalise to equal dicts."""
    result = empty()
    for section, keys in SECTIONS.items():
        given = raw.get(section) or {}
        for key in keys:
            result[section][key] = _clean(given.get(key, ""))
    result["contacts"] = [
        {k: _clean(row.get(k, False if k == "is_first_contact" else "")) for k in CONTACT_KEYS}
        for row in raw.get("contacts") or []
    ]
    result["conversations"] = sorted(
        (
            {
                k: _clean(row.get(k, False if k == "patient_present" else ""))
                for k in CONVERSATION_KEYS
            }
            for row in raw.get("conversations") or []
        ),
        key=lambda row: str(row["date"]),
        reverse=True,
    )
    by_code = {}
    others = []
    for row in raw.get("treatment_limits") or []:
        clean = {k: _clean(row.get(k, "")) for k in LIMIT_KEYS}
        if clean["treatment"] == Treatment.OTHER:
            others.append(clean)
        elif clean["treatment"] in Treatment.values:
            by_code[clean["treatment"]] = clean
    result["treatment_limits"] = [
        by_code.get(str(t)) or row
        for t, row in zip(CODED_TREATMENTS, result["treatment_limits"], strict=True)
    ] + others
    result["ended_limits"] = sorted(
        (_ended_row(row) for row in raw.get("ended_limits") or [] if isinstance(row, dict)),
        key=lambda row: (str(row["ended_on"]), str(row["treatment"]), str(row["text"])),
        reverse=True,
    )
    result["goals"] = [
        {k: _clean(row.get(k, "")) for k in GOAL_KEYS} for row in raw.get("goals") or []
    ]
    result["review_date"] = _clean(raw.get("review_date", ""))
    return result


def _ended_row(row: dict[str, Any]) -> dict[str, Any]:
    clean = {k: _clean(row.get(k, "")) for k in ENDED_LIMIT_KEYS if k != "actors"}
    actors = []
    for actor in row.get("actors") or []:
        if isinstance(actor, dict) and actor.get("kind") in ACTOR_KINDS:
            name = _clean(actor.get("name", ""))
            item: dict[str, Any] = {
                "kind": actor["kind"],
                "name": name if isinstance(name, str) else "",
            }
            # The directory's professional (and membership) when known: ids, as goals keep
            # the responsible care-team member.
            for key in ("professional_id", "membership_id"):
                if isinstance(actor.get(key), int) and not isinstance(actor.get(key), bool):
                    item[key] = actor[key]
            actors.append(item)
    clean["actors"] = actors
    return clean


def agreement_date(content: Content) -> str:
    """The date of the plan's agreements: its most recent ACP conversation ("" without one)."""
    conversations = content.get("conversations") or []
    return str(conversations[0].get("date") or "") if conversations else ""


def ended_limit(
    row: dict[str, Any],
    *,
    ended_on: str,
    reason: str,
    date: str = "",
    actors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An ended treatment limit made from a current one (``row`` of ``treatment_limits``)."""
    return {
        **{k: row.get(k, "") for k in LIMIT_KEYS},
        "date": date,
        "actors": list(actors or []),
        "ended_on": ended_on,
        "reason_for_ending": reason,
    }


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    return value


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def validate(content: Content) -> None:
    """The bad-input rules: raise ValidationError naming every problem (keys like
    ``treatment_limits.0.decision`` so a form can place them)."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    today = timezone.localdate()
    for i, row in enumerate(content["treatment_limits"]):
        key = f"treatment_limits.{i}"
        if row["treatment"] == Treatment.OTHER and not row["text"]:
            if row["decision"] or row["note"] or row["specification"]:
                add(f"{key}.text", gettext("Name the treatment this limit is about."))
            continue
        if row["decision"] not in TreatmentDecision.values:
            add(
                f"{key}.decision",
                gettext("Choose a decision for %(treatment)s (or “not discussed”).")
                % {"treatment": limit_name(row)},
            )
        elif row["decision"] == TreatmentDecision.CONDITIONAL and not row["specification"]:
            add(
                f"{key}.specification",
                gettext("Describe the conditions for %(treatment)s.")
                % {"treatment": limit_name(row)},
            )
    for i, row in enumerate(content.get("ended_limits") or []):
        _validate_ended(row, f"ended_limits.{i}", add, today)
    for i, row in enumerate(content["contacts"]):
        if not row["name"]:
            add(
                f"contacts.{i}.name",
                gettext("Enter the name of the legal representative.")
                if row["role"] == ContactRole.LEGAL_REPRESENTATIVE
                else gettext("Enter the name of the contact person."),
            )
        if row["role"] and row["role"] not in ContactRole.values:
            add(f"contacts.{i}.role", gettext("Choose a role from the list."))
    for i, row in enumerate(content["conversations"]):
        day = parse_date(str(row["date"]))
        if day is None:
            add(f"conversations.{i}.date", gettext("Enter the date of the conversation."))
        elif day > today:
            add(
                f"conversations.{i}.date",
                gettext("A conversation that took place cannot be in the future."),
            )
    for i, row in enumerate(content["goals"]):
        if not row["goal"]:
            add(f"goals.{i}.goal", gettext("Describe the goal."))
        if row["dimension"] not in Dimension.values:
            add(f"goals.{i}.dimension", gettext("Choose a dimension."))
    for section_key, choices in CHOICES.items():
        section, _dot, field = section_key.partition(".")
        if section in SECTIONS:
            value = content[section][field]
            if value and value not in choices.values:
                add(section_key, gettext("Choose a value from the list."))
    if content["review_date"] and parse_date(content["review_date"]) is None:
        add("review_date", gettext("Enter a valid date."))
    if errors:
        raise ValidationError(errors)


def _validate_ended(row: dict[str, Any], key: str, add: Any, today: dt.date) -> None:
    """An ended limit: a known treatment with the decision that applied, and an end date that
    is valid, not in the future and not before the date it was agreed."""
    if row["treatment"] not in Treatment.values:
        add(f"{key}.treatment", gettext("Choose a treatment from the list."))
        return
    if row["treatment"] == Treatment.OTHER and not row["text"]:
        add(f"{key}.text", gettext("Name the treatment this limit is about."))
    if row["decision"] not in TreatmentDecision.values:
        add(
            f"{key}.decision",
            gettext("Choose the decision that applied for %(treatment)s.")
            % {"treatment": limit_name(row)},
        )
    elif row["decision"] == TreatmentDecision.CONDITIONAL and not row["specification"]:
        add(
            f"{key}.specification",
            gettext("Describe the conditions for %(treatment)s.") % {"treatment": limit_name(row)},
        )
    agreed = parse_date(str(row["date"]))
    if row["date"] and agreed is None:
        add(f"{key}.date", gettext("Enter a valid date."))
    elif agreed is not None and agreed > today:
        add(f"{key}.date", gettext("An agreement that was made cannot be in the future."))
    ended = parse_date(str(row["ended_on"]))
    if ended is None:
        add(
            f"{key}.ended_on",
            gettext("Enter the date the treatment limit ended.")
            if not row["ended_on"]
            else gettext("Enter a valid date."),
        )
    else:
        error = ended_date_error(ended, agreed, today)
        if error:
            add(f"{key}.ended_on", error)


def ended_date_error(
    ended_on: dt.date, agreed_on: dt.date | None, today: dt.date | None = None
) -> str | None:
    """Why an end date cannot be right (None when it can): not in the future, not before the
    limit was agreed. Shared by the content rules and the plan form."""
    if ended_on > (today or timezone.localdate()):
        return gettext("A treatment limit cannot end in the future.")
    if agreed_on is not None and ended_on < agreed_on:
        return gettext("A treatment limit cannot end before it was agreed (%(date)s).") % {
            "date": date_format(agreed_on, "DATE_FORMAT")
        }
    return None


def limit_name(row: dict[str, Any]) -> str:
    if row["treatment"] == Treatment.OTHER:
        return str(row["text"] or Treatment.OTHER.label)
    return str(Treatment(row["treatment"]).label)


def display(key: str, value: Any) -> str:
    """A stored value as the reader sees it."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if value in ("", None):
        return ""
    choices = CHOICES.get(key)
    if choices is not None:
        try:
            # The enum's own value lookup: a dict, where ``choices.values`` builds a list.
            return str(choices(value).label)
        except (ValueError, TypeError):
            pass
    if key in ("review_date", "conversation.date", "ended.date", "ended.ended_on"):
        day = parse_date(str(value))
        return date_format(day, "DATE_FORMAT") if day else str(value)
    return str(value)


@dataclass(frozen=True)
class Line:
    """One readable field of a plan: a stable key, its label and the displayed value."""

    key: str
    label: str
    value: str


def lines(content: Content) -> Iterator[Line]:
    """Every field of the plan as a readable line, in the order of the plan."""
    for section, keys in SECTIONS.items():
        for key in keys:
            full = f"{section}.{key}"
            yield Line(full, str(LABELS[full]), display(full, content[section][key]))
    for i, row in enumerate(content["contacts"], start=1):
        for key in CONTACT_KEYS:
            label = gettext("Contact %(n)s: %(field)s") % {
                "n": i,
                "field": LABELS[f"contact.{key}"],
            }
            yield Line(f"contacts.{i}.{key}", label, display(f"contact.{key}", row[key]))
    for i, row in enumerate(content["conversations"], start=1):
        for key in CONVERSATION_KEYS:
            label = gettext("Conversation %(n)s: %(field)s") % {
                "n": i,
                "field": LABELS[f"conversation.{key}"],
            }
            yield Line(f"conversations.{i}.{key}", label, display(f"conversation.{key}", row[key]))
    others = 0
    for row in content["treatment_limits"]:
        if row["treatment"] == Treatment.OTHER:
            others += 1
            ident = f"OTH{others}"
            keys = ("text", "decision", "specification", "note")
        else:
            ident = row["treatment"]
            keys = ("decision", "specification", "note")
        for key in keys:
            label = gettext("Treatment limit %(treatment)s: %(field)s") % {
                "treatment": limit_name(row) if key != "text" else gettext("other"),
                "field": LABELS[f"limit.{key}"],
            }
            yield Line(f"limits.{ident}.{key}", label, display(f"limit.{key}", row[key]))
    yield from ended_lines(content)
    for i, row in enumerate(content["goals"], start=1):
        for key in ("dimension", "goal", "action", "responsible_name", "status"):
            label = gettext("Goal %(n)s: %(field)s") % {"n": i, "field": LABELS[f"goal_item.{key}"]}
            yield Line(f"goals.{i}.{key}", label, display(f"goal_item.{key}", row[key]))
    yield Line(
        "review_date", str(LABELS["review_date"]), display("review_date", content["review_date"])
    )


ENDED_PREFIX = "ended_limits."


def actor_names(actors: list[dict[str, Any]], patient_label: str | None = None) -> str:
    """The people who agreed an ended limit, readable ("the patient, Piet van Putten")."""
    return ", ".join(
        (patient_label or gettext("the patient")) if a["kind"] == "patient" else a["name"]
        for a in actors
        if a["kind"] == "patient" or a["name"]
    )


def ended_lines(content: Content) -> Iterator[Line]:
    """The ended treatment limits as readable lines (keys start with ``ended_limits.``)."""
    seen: dict[str, int] = {}
    fields = {
        "decision": "limit.decision",
        "specification": "limit.specification",
        "note": "limit.note",
        "date": "ended.date",
        "actors": "ended.actors",
        "ended_on": "ended.ended_on",
        "reason_for_ending": "ended.reason_for_ending",
    }
    for row in content.get("ended_limits") or []:
        name = limit_name(row)
        code = row["treatment"]
        if code == Treatment.OTHER:
            code = f"OTH-{name.strip().lower()}"
        ident = f"{code}@{row['ended_on']}"
        seen[ident] = seen.get(ident, 0) + 1
        if seen[ident] > 1:
            ident = f"{ident}#{seen[ident]}"
        ended = display("ended.ended_on", row["ended_on"])
        for key, label_key in fields.items():
            label = gettext("Ended treatment limit %(treatment)s (ended %(date)s): %(field)s") % {
                "treatment": name,
                "date": ended,
                "field": LABELS[label_key],
            }
            if key == "actors":
                value = actor_names(row["actors"])
            else:
                value = display("ended.decision" if key == "decision" else label_key, row[key])
            yield Line(f"{ENDED_PREFIX}{ident}.{key}", label, value)


def split_ended(changes: list[Change]) -> tuple[list[Change], list[Change]]:
    """(changes to the current plan, changes to its ended treatment limits)."""
    current = [c for c in changes if not c.key.startswith(ENDED_PREFIX)]
    ended = [c for c in changes if c.key.startswith(ENDED_PREFIX)]
    return current, ended


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    before: str
    after: str


def diff(before: Content, after: Content) -> list[Change]:
    """What changed between two versions, field by field (added and removed rows included)."""
    old = {line.key: line for line in lines(normalise(before))}
    new = {line.key: line for line in lines(normalise(after))}
    changes = []
    for key in list(new) + [k for k in old if k not in new]:
        a = old.get(key)
        b = new.get(key)
        va = a.value if a else ""
        vb = b.value if b else ""
        if va != vb:
            line = b if b is not None else a
            changes.append(Change(key, line.label if line is not None else key, va, vb))
    return changes


def changed_keys(before: Content, after: Content) -> list[str]:
    return [c.key for c in diff(before, after)]


def copy_of(content: Content) -> Content:
    return copy.deepcopy(content)


def merge(base: Content, mine: Content, current: Content) -> Content:
    """Three-way merge for re-applying a kept draft: start from ``current`` and take every part
    the editor changed relative to ``base`` (the version they started from). Where both changed
    the same field, the editor's value is proposed; they see both before saving."""
    base, mine, current = normalise(base), normalise(mine), normalise(current)
    result = copy_of(current)
    for section, keys in SECTIONS.items():
        for key in keys:
            if mine[section][key] != base[section][key]:
                result[section][key] = mine[section][key]
    for name in ("contacts", "conversations", "goals", "ended_limits"):
        if mine[name] != base[name]:
            result[name] = mine[name]
    coded = len(CODED_TREATMENTS)
    limits = result["treatment_limits"][:coded]
    for i in range(coded):
        if mine["treatment_limits"][i] != base["treatment_limits"][i]:
            limits[i] = mine["treatment_limits"][i]
    others = (
        mine["treatment_limits"][coded:]
        if mine["treatment_limits"][coded:] != base["treatment_limits"][coded:]
        else current["treatment_limits"][coded:]
    )
    result["treatment_limits"] = limits + others
    if mine["review_date"] != base["review_date"]:
        result["review_date"] = mine["review_date"]
    return result
