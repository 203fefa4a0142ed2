"""The profile rules layer: required elements, fixed and pattern values, required bindings
against the shipped value sets, and invariants (FHIRPath, evaluated with fhirpathpy), read from
the StructureDefinitions in ``fhir/definitions``.

Which profiles apply: those the resource claims in ``meta.profile`` (either IKNL canonical
base), and — because senders do not always claim them — the ACP profile the content shows
(a Consent with scope ``treatment`` is a treatment directive, an Observation with code
395091006 a preferred place of death, ...). Errors are answered with 422.
"""

from __future__ import annotations

import logging
from typing import Any

import fhirpathpy
from django.utils.translation import gettext_lazy as _
from fhirpathpy.models import models as fhirpath_models

from ..constants import ACP_BASE, NL_CORE_BASE, SNOMED
from ..outcome import FhirError, Issue
from .definitions import canonical, chain, expand

logger = logging.getLogger(__name__)

_OBSERVATIONS = {
    "153851000146100": "ACP-SpecificCareWishes",
    "395091006": "ACP-PreferredPlaceOfDeath",
    "340171000146104": "ACP-PositionRegardingEuthanasia",
    "570801000146104": "ACP-OrganDonationChoiceRegistration",
    "247751003": "ACP-SenseOfPurpose",
}


def implied_profiles(data: dict[str, Any]) -> list[str]:
    """ACP profiles the content of a resource shows it to be."""
    rtype = data.get("resourceType")
    if rtype == "Consent":
        scopes = {
            c.get("code")
            for c in (data.get("scope") or {}).get("coding", []) or []
            if isinstance(c, dict)
        }
        if "treatment" in scopes:
            return [NL_CORE_BASE + "zib-TreatmentDirective2"]
        if "adr" in scopes:
            return [NL_CORE_BASE + "zib-AdvanceDirective"]
    if rtype == "Observation":
        for coding in (data.get("code") or {}).get("coding", []) or []:
            if isinstance(coding, dict) and coding.get("system") == SNOMED:
                profile = _OBSERVATIONS.get(str(coding.get("code")))
                if profile:
                    return [ACP_BASE + profile]
    return []


def applicable(data: dict[str, Any]) -> list[str]:
    claimed = [
        canonical(p)
        for p in (data.get("meta") or {}).get("profile", []) or []
        if isinstance(p, str)
    ]
    urls: list[str] = []
    for url in claimed + implied_profiles(data):
        if url not in urls:
            urls.append(url)
    return urls


# --- walking elements ------------------------------------------------------------------------


def _nodes(data: Any, path: str) -> list[tuple[str, Any]]:
    """(FHIRPath of the node, value) for every node at an element path like
    ``Consent.provision.code`` (lists are flattened, ``value[x]`` matches valueX)."""
    parts = path.split(".")
    current: list[tuple[str, Any]] = [(parts[0], data)]
    for part in parts[1:]:
        following: list[tuple[str, Any]] = []
        for where, node in current:
            if not isinstance(node, dict):
                continue
            if part.endswith("[x]"):
                stem = part[:-3]
                keys = [k for k in node if k.startswith(stem) and k[len(stem) :][:1].isupper()]
            else:
                keys = [part] if part in node else []
            for key in keys:
                value = node[key]
                if isinstance(value, list):
                    following += [(f"{where}.{key}[{i}]", v) for i, v in enumerate(value)]
                else:
                    following.append((f"{where}.{key}", value))
        current = following
    return current


def _contains(value: Any, pattern: Any) -> bool:
    """FHIR pattern matching: every element of the pattern is present in the value."""
    if isinstance(pattern, dict):
        if not isinstance(value, dict):
            return False
        return all(_contains(value.get(k), v) for k, v in pattern.items())
    if isinstance(pattern, list):
        if not isinstance(value, list):
            return False
        return all(any(_contains(v, p) for v in value) for p in pattern)
    return bool(value == pattern)


def _pattern(element: dict[str, Any]) -> tuple[str, Any] | None:
    for key, value in element.items():
        if (
            key.startswith(("pattern", "fixed"))
            and key[7 if key.startswith("pattern") else 5 :][:1].isupper()
        ):
            return key, value
    return None


def _codes(value: Any) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [("", value)]
    if isinstance(value, dict):
        if "coding" in value:
            return [
                (c.get("system", ""), c.get("code", ""))
                for c in value.get("coding") or []
                if isinstance(c, dict)
            ]
        if "code" in value:
            return [(value.get("system", ""), value.get("code", ""))]
    return []


def _in_value_set(value: Any, members: frozenset[tuple[str, str]]) -> bool:
    codes = _codes(value)
    if not codes:
        return False
    if all(system == "" for system, _c in codes):  # a plain code element: compare codes only
        return any(code in {c for _s, c in members} for _s, code in codes)
    return any(pair in members for pair in codes)


def _display(value: Any) -> str:
    return ", ".join(f"{s}|{c}" for s, c in _codes(value))[:200] or str(value)[:80]


def _check_element(data: dict[str, Any], element: dict[str, Any], profile: str) -> list[Issue]:
    issues: list[Issue] = []
    path = element["path"]
    nodes = _nodes(data, path)
    pattern = _pattern(element)
    binding = element.get("binding") or {}
    members = (
        expand(binding["valueSet"])
        if binding.get("strength") == "required" and binding.get("valueSet")
        else None
    )
    slice_name = element.get("sliceName")
    minimum = int(element.get("min", 0) or 0)
    if slice_name:
        # A slice: at least ``min`` of the nodes must match its discriminating pattern/binding.
        matching = [
            n
            for n in nodes
            if (pattern is None or _contains(n[1], pattern[1]))
            and (members is None or _in_value_set(n[1], members))
        ]
        if len(matching) < minimum:
            wanted = _display(pattern[1]) if pattern else binding.get("valueSet", "")
            issues.append(
                Issue(
                    "required",
                    _(
                        "%(path)s needs at least %(min)s entry with %(wanted)s "
                        "(profile %(profile)s, slice %(slice)s)."
                    ),
                    (path,),
                    params={
                        "path": path,
                        "min": minimum,
                        "wanted": wanted,
                        "profile": profile,
                        "slice": slice_name,
                    },
                    key="profile-slice-missing",
                )
            )
        return issues
    if minimum and not nodes:
        issues.append(
            Issue(
                "required",
                _("%(path)s is required by profile %(profile)s."),
                (path,),
                params={"path": path, "profile": profile},
                key="profile-required",
            )
        )
    for where, value in nodes:
        if pattern is not None and not _contains(value, pattern[1]):
            issues.append(
                Issue(
                    "value",
                    _("%(path)s must be %(expected)s (profile %(profile)s)."),
                    (where,),
                    params={"path": where, "expected": _display(pattern[1]), "profile": profile},
                    key="profile-pattern",
                )
            )
        if members is not None and not _in_value_set(value, members):
            issues.append(
                Issue(
                    "code-invalid",
                    _("%(path)s: %(code)s is not in the required value set %(valueset)s."),
                    (where,),
                    params={
                        "path": where,
                        "code": _display(value),
                        "valueset": binding["valueSet"].split("|")[0],
                    },
                    key="binding-required",
                )
            )
    for constraint in element.get("constraint", []) or []:
        issues += _check_constraint(data, nodes, constraint, profile)
    return issues


def _check_constraint(
    data: dict[str, Any], nodes: list[tuple[str, Any]], constraint: dict[str, Any], profile: str
) -> list[Issue]:
    expression = constraint.get("expression")
    if not expression or not constraint.get("key"):
        return []
    issues = []
    for where, node in nodes:
        try:
            result = fhirpathpy.evaluate(
                node, expression, {"resource": data}, fhirpath_models["r4"]
            )
        except Exception:  # an expression fhirpathpy cannot evaluate is skipped, not fatal
            logger.debug("cannot evaluate %s", constraint.get("key"))
            continue
        if result in ([], [True]):
            continue
        severity = "warning" if constraint.get("severity") == "warning" else "error"
        issues.append(
            Issue(
                "invariant",
                _("%(path)s breaks invariant %(key)s of %(profile)s: %(human)s"),
                (where,),
                severity=severity,
                params={
                    "path": where,
                    "key": constraint["key"],
                    "profile": profile,
                    "human": constraint.get("human", ""),
                },
                key=f"invariant-{constraint['key']}",
            )
        )
    return issues


def profile_issues(data: dict[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    for url in applicable(data):
        profiles = chain(url)
        if not profiles:
            continue
        for sd in profiles:
            if sd.get("type") != data.get("resourceType"):
                issues.append(
                    Issue(
                        "invalid",
                        _("Profile %(profile)s is for %(type)s resources."),
                        ("meta.profile",),
                        params={"profile": url, "type": sd.get("type")},
                        key="profile-type",
                    )
                )
                break
            for element in sd.get("differential", {}).get("element", []):
                issues += _check_element(data, element, sd["url"].rsplit("/", 1)[-1])
    unique: list[Issue] = []
    for issue in issues:
        if all(
            (i.key, i.expression, i.params) != (issue.key, issue.expression, issue.params)
            for i in unique
        ):
            unique.append(issue)
    return unique


def check_rules(data: dict[str, Any]) -> list[Issue]:
    """Raise 422 with every error; return the warnings."""
    issues = profile_issues(data)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise FhirError(422, errors)
    return issues
