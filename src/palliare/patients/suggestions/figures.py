"""How often marking suggestions led to marking, per rule, as it may leave the database: counts
from 1 to 4 as "<5", a share only with a denominator of at least 10 and an unmasked numerator
(``palliare.monitoring.suppression``, the house rules for every figure).

A suggestion *led to marking* when the patient was marked after it had first been shown to
someone who may mark (``MarkingSuggestion.shown_at``). The denominator is the suggestions shown.
Rules overlap (one suggestion can rest on several rules), so the rows do not add up to the
total and no row can be worked out from the others."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from palliare.monitoring import suppression

from .. import access
from ..constants import SuggestionStatus
from . import rules


@dataclass(frozen=True)
class Outcome:
    """One row: the suggestions of a rule (or all), as published."""

    label: str | Promise
    shown: str
    led: str
    dismissed: str
    share: str
    share_suppressed: bool


def share_text(led: int, shown: int) -> tuple[str, bool]:
    """The share led/shown as published, and whether it was suppressed."""
    if not suppression.rate_publishable(shown) or suppression.is_small(led):
        return "—", True
    return f"{number_format(100 * led / shown, 0, use_l10n=True)} %", False


def _row(label: str | Promise, shown: int, led: int, dismissed: int) -> Outcome:
    share, suppressed = share_text(led, shown)
    return Outcome(
        label=label,
        shown=suppression.count_text(shown),
        led=suppression.count_text(led),
        dismissed=suppression.count_text(dismissed),
        share=share,
        share_suppressed=suppressed,
    )


def counts() -> dict[str, dict[str, int]]:
    """Raw counts per rule code and for all (key ""): shown, led, dismissed. Not for output."""
    table: dict[str, dict[str, int]] = {}
    for row in access.suggestion_outcomes():
        if row["shown_at"] is None:
            continue
        for code in ["", *row["rule_codes"]]:
            cell = table.setdefault(code, {"shown": 0, "led": 0, "dismissed": 0})
            cell["shown"] += 1
            if row["status"] == SuggestionStatus.LED_TO_MARKING:
                cell["led"] += 1
            elif row["status"] == SuggestionStatus.DISMISSED:
                cell["dismissed"] += 1
    return table


def outcomes() -> list[Outcome]:
    """Per rule, then all suggestions: shown, led to marking, dismissed, share led."""
    table = counts()
    empty = {"shown": 0, "led": 0, "dismissed": 0}
    out = [_row(rule.label, **table.get(rule.code, empty)) for rule in rules.all_rules()]
    out.append(_row(_("All suggestions"), **table.get("", empty)))
    return out
