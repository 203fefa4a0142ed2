"""A plan's content as the reader sees it: labels instead of codes, the treatment limits with
what they mean at 3 a.m. Used by the plan page, the acute view and the printed copy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from palliare.patients.constants import Dimension

from . import content as plan_content
from .constants import (
    REPRESENTATIVE_ROLES,
    AcpYesNoUnknown,
    ContactRole,
    IcdDeactivation,
    ShareAgreement,
    Treatment,
    TreatmentDecision,
)


@dataclass(frozen=True)
class Limit:
    """One treatment limit, ready to show."""

    code: str
    name: str
    decision: str
    decision_label: str
    specification: str
    note: str

    @property
    def is_no(self) -> bool:
        return self.decision == TreatmentDecision.NO

    @property
    def is_conditional(self) -> bool:
        return self.decision == TreatmentDecision.CONDITIONAL

    @property
    def is_yes(self) -> bool:
        return self.decision == TreatmentDecision.YES

    @property
    def not_discussed(self) -> bool:
        return self.decision in ("", TreatmentDecision.NOT_DISCUSSED)

    @property
    def is_resuscitation(self) -> bool:
        return self.code == Treatment.RESUSCITATION


@dataclass(frozen=True)
class EndedLimit:
    """A treatment limit that no longer applies: history, never the current decision."""

    code: str
    name: str
    decision_label: str
    specification: str
    note: str
    agreed_on: str
    agreed_by: str
    ended_on: str
    reason_for_ending: str


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    role_code: str
    relationship: str
    phone: str
    email: str
    is_first_contact: bool

    @property
    def is_representative(self) -> bool:
        return self.role_code in REPRESENTATIVE_ROLES

    @property
    def also_first_contact(self) -> bool:
        """Marked first contact while the role is not already "first contact person" (which
        would say it twice)."""
        return self.is_first_contact and self.role_code != ContactRole.FIRST_CONTACT


@dataclass
class PlanDisplay:
    """Everything of one version, displayed."""

    values: dict[str, dict[str, str]]
    review_date: str
    raw: dict[str, Any]
    limits: list[Limit]
    contacts: list[Contact]
    conversations: list[dict[str, str]]
    goals: list[tuple[str, list[dict[str, str]]]] = field(default_factory=list)
    #: Limits that ended (shown on the plan page and in "what changed", never in the acute
    #: view or the printed copy, and never as the current decision).
    ended_limits: list[EndedLimit] = field(default_factory=list)

    @property
    def labels(self) -> dict[str, dict[str, str]]:
        return nested_labels()

    @property
    def representatives(self) -> list[Contact]:
        return [c for c in self.contacts if c.is_representative]

    @property
    def first_contacts(self) -> list[Contact]:
        return [
            c
            for c in self.contacts
            if c.is_first_contact or c.role_code == ContactRole.FIRST_CONTACT
        ]

    @property
    def refused_limits(self) -> list[Limit]:
        return [limit for limit in self.limits if limit.is_no or limit.is_conditional]

    @property
    def resuscitation(self) -> Limit:
        return self.limits[0]

    @property
    def lacks_capacity(self) -> bool:
        return bool(self.raw["capacity"]["value"] == AcpYesNoUnknown.NO)

    @property
    def capacity_without_representative(self) -> bool:
        """ACP-Patient-1: without capacity, a legal representative should be recorded."""
        return self.lacks_capacity and not self.representatives

    @property
    def has_icd(self) -> bool:
        return bool(self.raw["icd"]["present"] == AcpYesNoUnknown.YES)

    @property
    def icd_off_agreed(self) -> bool:
        return bool(self.raw["icd"]["deactivation"] == IcdDeactivation.AGREED)

    @property
    def agrees_to_share(self) -> bool:
        return bool(self.raw["sharing"]["agreement"] == ShareAgreement.AGREED)

    @property
    def medication_present(self) -> bool:
        return bool(self.raw["medication"]["present"] == AcpYesNoUnknown.YES)


def present(content: dict[str, Any]) -> PlanDisplay:
    values: dict[str, dict[str, str]] = {}
    for section, keys in plan_content.SECTIONS.items():
        values[section] = {
            key: plan_content.display(f"{section}.{key}", content[section][key]) for key in keys
        }
    review_date = plan_content.display("review_date", content["review_date"])
    limits = [
        Limit(
            code=row["treatment"],
            name=plan_content.limit_name(row),
            decision=row["decision"],
            decision_label=plan_content.display("limit.decision", row["decision"])
            or str(TreatmentDecision.NOT_DISCUSSED.label),
            specification=row["specification"],
            note=row["note"],
        )
        for row in content["treatment_limits"]
    ]
    contacts = [
        Contact(
            name=row["name"],
            role=row["role_other"]
            if row["role"] == ContactRole.OTHER and row["role_other"]
            else plan_content.display("contact.role", row["role"]),
            role_code=row["role"],
            relationship=row["relationship_other"]
            if row["relationship"] == "OTH" and row["relationship_other"]
            else plan_content.display("contact.relationship", row["relationship"]),
            phone=row["phone"],
            email=row["email"],
            is_first_contact=bool(row["is_first_contact"]),
        )
        for row in content["contacts"]
    ]
    conversations = [
        {
            "date": plan_content.display("conversation.date", row["date"]),
            "held_by": row["held_by"],
            "function": plan_content.display("conversation.function", row["function"]),
            "patient_present": "yes" if row["patient_present"] else "",
            "participants": row["participants"],
        }
        for row in content["conversations"]
    ]
    goals = []
    for dimension in Dimension:
        rows = [
            {
                "goal": row["goal"],
                "action": row["action"],
                "responsible": row["responsible_name"],
                "status": plan_content.display("goal_item.status", row["status"]),
                "status_code": row["status"],
            }
            for row in content["goals"]
            if row["dimension"] == dimension
        ]
        if rows:
            goals.append((str(dimension.label), rows))
    ended = [
        EndedLimit(
            code=row["treatment"],
            name=plan_content.limit_name(row),
            decision_label=plan_content.display("ended.decision", row["decision"]),
            specification=row["specification"],
            note=row["note"],
            agreed_on=plan_content.display("ended.date", row["date"]),
            agreed_by=plan_content.actor_names(row["actors"]),
            ended_on=plan_content.display("ended.ended_on", row["ended_on"]),
            reason_for_ending=row["reason_for_ending"],
        )
        for row in plan_content.normalise({"ended_limits": content.get("ended_limits") or []})[
            "ended_limits"
        ]
    ]
    return PlanDisplay(values, review_date, content, limits, contacts, conversations, goals, ended)


def nested_labels() -> dict[str, dict[str, str]]:
    """The field labels as ``labels.section.field`` for templates."""
    labels: dict[str, dict[str, str]] = {}
    for section, keys in plan_content.SECTIONS.items():
        labels[section] = {key: str(plan_content.LABELS[f"{section}.{key}"]) for key in keys}
    return labels
