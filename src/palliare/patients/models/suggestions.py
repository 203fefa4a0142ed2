"""Marking suggestions: patients the explainable rules of ``patients.suggestions`` found who are
not marked yet, with the evidence, and what became of each suggestion (decision 0041).

A suggestion is derived data, recomputed by ``recompute_marking_suggestions``: its row holds the
current state (status, rules, evidence). Everything that happens to it (suggested, shown,
dismissed with a reason, led to marking) is an append-only :class:`MarkingSuggestionEvent`, so
no professional's judgement is ever overwritten. Clinical records are not touched."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel

from ..constants import SuggestionDismissReason, SuggestionEventKind, SuggestionStatus


class MarkingSuggestion(models.Model):
    """The current suggestion to consider marking one patient (at most one per patient)."""

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.CASCADE, related_name="marking_suggestion"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    #: The codes of the rules that match (``patients.suggestions.rules``), in rule order.
    rule_codes = models.JSONField(default=list)
    #: Per rule code, the facts it matched on (dates, counts, roles, codes): structured, so the
    #: page renders them in the reader's language (``rules.describe``).
    evidence = models.JSONField(default=dict)
    #: Stable keys of the facts (``contact:12``, ``signal-sender:4``): new evidence is a key not
    #: seen before, which reopens a dismissed suggestion.
    evidence_keys = models.JSONField(default=list)
    #: The keys the suggestion had when it was dismissed.
    dismissed_keys = models.JSONField(default=list)
    #: The version of the rule configuration that computed it.
    rules_version = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(default=timezone.now)
    #: First time it was shown to someone who may mark the patient (the start of "led to
    #: marking": only a marking after this moment counts).
    shown_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("marking suggestion")
        verbose_name_plural = _("marking suggestions")
        ordering = ["-computed_at"]
        indexes = [models.Index(fields=["status"], name="markingsuggestion_status")]

    def __str__(self) -> str:
        return f"suggestion {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == SuggestionStatus.OPEN

    @property
    def rule_labels(self) -> list[str]:
        """The labels of the matching rules (for a short "why")."""
        from ..suggestions import rules

        return [str(rule.label) for code in self.rule_codes if (rule := rules.get(code))]

    @property
    def diagnosis_group_labels(self) -> list[str]:
        """The diagnosis groups the evidence names (for the register's diagnosis-group column
        before the patient is marked); empty when no rule is based on a diagnosis."""
        from ..suggestions import rules

        return [str(group.label) for group in rules.diagnosis_groups(self.evidence)]


class MarkingSuggestionEvent(AppendOnlyModel):
    """Something that happened to a suggestion, with the rules and evidence at that moment
    (append-only)."""

    suggestion = models.ForeignKey(
        MarkingSuggestion, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=20, choices=SuggestionEventKind.choices)
    rule_codes = models.JSONField(default=list)
    evidence = models.JSONField(default=dict)
    reason = models.CharField(
        _("reason"), max_length=20, choices=SuggestionDismissReason.choices, blank=True
    )
    reason_text = models.TextField(_("explanation"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("marking-suggestion event")
        ordering = ["suggestion", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.suggestion_id} {self.kind}"
