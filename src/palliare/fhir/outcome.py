"""OperationOutcome: how every error (and every warning) of the FHIR API is reported.

Each issue carries its text in two languages (decision record 0010):

- ``details.text`` in Dutch, with the English version in the standard ``translation``
  extension on that text (``_text``), so a Dutch screen and an English log both have it;
- ``diagnostics`` in English, for the developer reading a log;
- ``details.coding``: a stable machine code of ours (``ISSUE_CODE_SYSTEM``);
- ``expression``: where, as a FHIRPath expression (``Patient.identifier[0].system``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.functional import Promise

from .constants import EXT_TRANSLATION, ISSUE_CODE_SYSTEM

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Issue:
    """One problem found in a request."""

    code: str  # FHIR IssueType: invalid, structure, required, value, invariant, not-found, ...
    message: str | Promise  # English msgid, translated to Dutch when rendered
    expression: tuple[str, ...] = ()
    severity: str = "error"
    params: dict[str, Any] = field(default_factory=dict)
    key: str = ""  # our machine code; defaults to ``code``

    def text(self, language: str) -> str:
        with translation.override(language):
            message = str(self.message)
        try:
            text = message % self.params if self.params else message
        except (KeyError, TypeError, ValueError):
            return message
        # Parameters may echo the client's input: no control characters (XML cannot hold
        # them, and a log should not either).
        return _CONTROL.sub("\ufffd", text)

    def as_fhir(self) -> dict[str, Any]:
        english = self.text("en")
        dutch = self.text("nl")
        issue: dict[str, Any] = {
            "severity": self.severity,
            "code": self.code,
            "details": {
                "coding": [{"system": ISSUE_CODE_SYSTEM, "code": self.key or self.code}],
                "text": dutch,
                "_text": {
                    "extension": [
                        {
                            "url": EXT_TRANSLATION,
                            "extension": [
                                {"url": "lang", "valueCode": "en"},
                                {"url": "content", "valueString": english},
                            ],
                        }
                    ]
                },
            },
            "diagnostics": english,
        }
        if self.expression:
            issue["expression"] = list(self.expression)
        return issue


class FhirError(Exception):
    """Stops the request: answered with ``status`` and an OperationOutcome of ``issues``."""

    def __init__(
        self,
        status: int,
        issues: list[Issue] | Issue,
        headers: dict[str, str] | None = None,
        patient_id: int | None = None,
    ) -> None:
        self.status = status
        self.issues = issues if isinstance(issues, list) else [issues]
        self.headers = headers or {}
        #: The patient the refused request touched (for the patient's access report).
        self.patient_id = patient_id
        super().__init__("; ".join(i.text("en") for i in self.issues))


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [i.as_fhir() for i in issues]
        or [
            {
                "severity": "information",
                "code": "informational",
                "diagnostics": "All OK",
            }
        ],
    }


def issues_from_validation(
    exc: Any, paths: dict[str, str], default: str, key_prefix: str, code: str = "invariant"
) -> list[Issue]:
    """Issues for a domain ``ValidationError``, keeping its (lazy) messages so that each
    language gets its own text; ``paths`` maps model fields to FHIRPath expressions."""
    if hasattr(exc, "error_dict"):
        items = [(field, e) for field, errors in exc.error_dict.items() for e in errors]
    else:
        items = [("__all__", e) for e in exc.error_list]
    issues = []
    for name, error in items:
        params = error.params if isinstance(error.params, dict) else {}
        issues.append(
            Issue(
                code,
                error.message,
                (paths.get(name, default),),
                params=params,
                key=f"{key_prefix}-{name}",
            )
        )
    return issues
