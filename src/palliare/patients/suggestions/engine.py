"""Recomputing the marking suggestions from the rules (``recompute_marking_suggestions``, and
for one patient after an event that may change their evidence).

A fixed number of queries whatever the number of patients: one per rule, one for the stored
suggestions, then bulk writes. Idempotent: run twice on the same data, the second run changes
nothing. A dismissed suggestion stays dismissed until a fact appears that it did not have when
it was dismissed (a new admission, a new signal, a new problem).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from .. import access
from ..constants import SuggestionEventKind, SuggestionStatus
from ..models import MarkingSuggestion, MarkingSuggestionEvent
from . import rules

logger = logging.getLogger(__name__)

UPDATED_FIELDS = [
    "status",
    "rule_codes",
    "evidence",
    "evidence_keys",
    "dismissed_keys",
    "rules_version",
    "computed_at",
    "shown_at",
    "status_changed_at",
]


@dataclass
class Result:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def __str__(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in sorted(self.counts.items())) or "no changes"


def evaluate(
    patient_ids: Iterable[int] | None = None, today: dt.date | None = None
) -> dict[int, dict[str, rules.Finding]]:
    """What every rule finds, per patient id and rule code."""
    today = today or timezone.localdate()
    candidates = access.suggestion_candidates(patient_ids)
    found: dict[int, dict[str, rules.Finding]] = {}
    for rule in rules.all_rules():
        for patient_id, finding in rule.find(candidates, today, rule.values()).items():
            found.setdefault(patient_id, {})[rule.code] = finding
    return found


def _state(findings: dict[str, rules.Finding]) -> tuple[list[str], dict[str, Any], list[str]]:
    codes = [r.code for r in rules.all_rules() if r.code in findings]
    evidence = {code: findings[code].facts for code in codes}
    keys = sorted({f"{code}:{key}" for code in codes for key in findings[code].keys})
    return codes, evidence, keys


@transaction.atomic
def recompute(
    patient_ids: Iterable[int] | None = None,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Result:
    """Bring the stored suggestions in line with the rules (all patients, or ``patient_ids``)."""
    ids = list(patient_ids) if patient_ids is not None else None
    now = now or timezone.now()
    result = Result()
    version = rules.config_version()
    found = evaluate(ids, today)
    stored = {
        s.patient_id: s
        for s in access.stored_suggestions(ids)
        .select_related("patient")
        .annotate(
            marked_at=Max(
                "patient__markings__created_at",
                filter=Q(patient__markings__ended_at__isnull=True),
            )
        )
    }
    new: list[MarkingSuggestion] = []
    changed: list[MarkingSuggestion] = []
    events: list[MarkingSuggestionEvent] = []

    def event(suggestion: MarkingSuggestion, kind: SuggestionEventKind) -> None:
        events.append(
            MarkingSuggestionEvent(
                suggestion=suggestion,
                kind=kind,
                rule_codes=suggestion.rule_codes,
                evidence=suggestion.evidence,
                created_at=now,
            )
        )
        result.add(str(kind))

    def move(suggestion: MarkingSuggestion, status: SuggestionStatus) -> None:
        suggestion.status = status
        suggestion.status_changed_at = now

    for patient_id, suggestion in stored.items():
        if suggestion.status == SuggestionStatus.LED_TO_MARKING:
            continue
        patient = suggestion.patient
        findings = found.get(patient_id)
        settled = suggestion.status in (SuggestionStatus.OPEN, SuggestionStatus.DISMISSED)
        if settled and (patient.marked_since is not None or patient.date_of_death is not None):
            marked_at = getattr(suggestion, "marked_at", None)
            led = (
                patient.date_of_death is None
                and suggestion.shown_at is not None
                and marked_at is not None
                and marked_at >= suggestion.shown_at
            )
            move(suggestion, SuggestionStatus.LED_TO_MARKING if led else SuggestionStatus.LAPSED)
            changed.append(suggestion)
            event(
                suggestion,
                SuggestionEventKind.LED_TO_MARKING if led else SuggestionEventKind.LAPSED,
            )
            continue
        if findings is None:
            if suggestion.status == SuggestionStatus.OPEN:
                move(suggestion, SuggestionStatus.LAPSED)
                changed.append(suggestion)
                event(suggestion, SuggestionEventKind.LAPSED)
            continue
        codes, evidence, keys = _state(findings)
        same = (
            codes == suggestion.rule_codes
            and evidence == suggestion.evidence
            and keys == suggestion.evidence_keys
        )
        if suggestion.status == SuggestionStatus.DISMISSED:
            if set(keys) - set(suggestion.dismissed_keys):
                suggestion.rule_codes, suggestion.evidence, suggestion.evidence_keys = (
                    codes,
                    evidence,
                    keys,
                )
                suggestion.computed_at, suggestion.rules_version = now, version
                move(suggestion, SuggestionStatus.OPEN)
                changed.append(suggestion)
                event(suggestion, SuggestionEventKind.REOPENED)
            continue
        if suggestion.status == SuggestionStatus.LAPSED:
            suggestion.rule_codes, suggestion.evidence, suggestion.evidence_keys = (
                codes,
                evidence,
                keys,
            )
            suggestion.computed_at, suggestion.rules_version = now, version
            suggestion.shown_at, suggestion.dismissed_keys = None, []
            move(suggestion, SuggestionStatus.OPEN)
            changed.append(suggestion)
            event(suggestion, SuggestionEventKind.REOPENED)
            continue
        if not same:  # open, with other evidence than before
            suggestion.rule_codes, suggestion.evidence, suggestion.evidence_keys = (
                codes,
                evidence,
                keys,
            )
            suggestion.computed_at, suggestion.rules_version = now, version
            changed.append(suggestion)
            event(suggestion, SuggestionEventKind.EVIDENCE_CHANGED)

    for patient_id, findings in found.items():
        if patient_id in stored:
            continue
        codes, evidence, keys = _state(findings)
        created = MarkingSuggestion(
            patient_id=patient_id,
            rule_codes=codes,
            evidence=evidence,
            evidence_keys=keys,
            rules_version=version,
            created_at=now,
            computed_at=now,
            status_changed_at=now,
        )
        new.append(created)

    if new:
        MarkingSuggestion.objects.bulk_create(new)
        for created in new:
            event(created, SuggestionEventKind.SUGGESTED)
    if changed:
        access.stored_suggestions().bulk_update(changed, UPDATED_FIELDS)
    if events:
        MarkingSuggestionEvent.objects.bulk_create(events)
    return result


def recompute_soon(patient_id: int | None) -> None:
    """Recompute one patient's suggestion once the current transaction commits (after a signal,
    a care contact, a problem or a consultation request about them)."""
    if patient_id is None:
        return

    def run() -> None:
        try:
            recompute([patient_id])
        except Exception:  # a suggestion must never break the signal, contact or request
            logger.exception("Recomputing the marking suggestion of patient %s failed", patient_id)

    transaction.on_commit(run)
