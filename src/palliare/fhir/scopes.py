"""SMART scopes: which resource types a client may read or write, and the permissions of the
access policy (``accounts.permissions``) that follow from them.

Accepted forms: SMART v1 ``system/<Type|*>.<read|write|*>`` and SMART v2
``system/<Type|*>.<c r u d s>`` (``rs`` = read, ``cud`` = write). ``patient/`` and ``user/``
scopes make no sense for a backend service and grant nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from palliare.accounts.permissions import Permission

from .constants import Access

_SCOPE = re.compile(r"^system/(\*|[A-Z][A-Za-z]+)\.(read|write|\*|c?r?u?d?s?)$")

#: Resource types of the register (the patient itself).
PATIENT_TYPES = frozenset({"Patient"})
#: Resource types of the regional directory.
DIRECTORY_TYPES = frozenset({"Organization", "Location", "Practitioner", "PractitionerRole"})
#: Aggregate figures (the KPI catalogue and its results): no patient data, so their scopes
#: give no permission of the patient access policy; the scope alone decides (decision 0031).
AGGREGATE_TYPES = frozenset({"Measure", "MeasureReport"})


@dataclass(frozen=True)
class ScopeSet:
    """The (resource type, access) pairs a token grants; ``*`` stands for every type."""

    grants: frozenset[tuple[str, str]]

    @classmethod
    def parse(cls, text: str) -> ScopeSet:
        grants: set[tuple[str, str]] = set()
        for scope in text.split():
            match = _SCOPE.match(scope)
            if match is None or match.group(2) == "":
                continue
            rtype, access = match.groups()
            if access in ("read", "write"):
                grants.add((rtype, access))
            elif access == "*":
                grants.update({(rtype, Access.READ), (rtype, Access.WRITE)})
            else:
                if "r" in access or "s" in access:
                    grants.add((rtype, Access.READ))
                if any(c in access for c in "cud"):
                    grants.add((rtype, Access.WRITE))
        return cls(frozenset((t, str(a)) for t, a in grants))

    @staticmethod
    def valid(text: str) -> bool:
        return all(_SCOPE.match(s) for s in text.split())

    def allows(self, resource_type: str, access: str) -> bool:
        return (resource_type, access) in self.grants or ("*", access) in self.grants

    def narrowed(self, requested: str) -> ScopeSet:
        """The scopes of ``requested`` that this set also grants."""
        asked = ScopeSet.parse(requested)
        return ScopeSet(frozenset(g for g in asked.grants if self.allows(*g)))

    def text(self) -> str:
        return " ".join(sorted(f"system/{t}.{a}" for t, a in self.grants))

    def permissions(self) -> frozenset[Permission]:
        """The access-policy permissions of a client holding these scopes."""
        granted: set[Permission] = set()
        for rtype, access in self.grants:
            if rtype in AGGREGATE_TYPES:
                continue
            patient = rtype == "*" or rtype not in DIRECTORY_TYPES
            directory = rtype == "*" or rtype in DIRECTORY_TYPES
            acp = rtype == "*" or (rtype not in DIRECTORY_TYPES and rtype not in PATIENT_TYPES)
            if access == Access.READ:
                if patient:
                    granted.add(Permission.VIEW_PATIENT)
                if acp:
                    granted.add(Permission.VIEW_CARE_PLAN)
                if directory:
                    granted.add(Permission.VIEW_DIRECTORY)
            else:
                # Writing about a patient needs a care relationship the policy can check, so
                # writes carry VIEW_PATIENT for the policy; the FHIR layer still refuses read
                # interactions without a read scope.
                if rtype == "*" or rtype in PATIENT_TYPES:
                    granted.update({Permission.REGISTER_PATIENT, Permission.VIEW_PATIENT})
                if acp:
                    granted.update({Permission.EDIT_CARE_PLAN, Permission.VIEW_PATIENT})
        return frozenset(granted)
