"""Read models of the members' work: who delivered in a round (on time, late, not yet due,
late and missing), self-evaluation uptake per subregion and organisation type, and the themes
across organisations with small-number suppression (:mod:`palliare.monitoring.suppression`,
the rules every published figure follows). A fixed number of queries each."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.monitoring import suppression
from palliare.organizations.constants import OrganizationType

from .constants import SELF_EVALUATION_CYCLE_YEARS, DeliveryState, SelfEvaluationPhase
from .models import MemberOrganization, ReportingRound, SelfEvaluation, Submission


@dataclass
class DeliveryRow:
    member: MemberOrganization
    state: DeliveryState
    submission: Submission | None


def deliveries(round_: ReportingRound, today: dt.date | None = None) -> list[DeliveryRow]:
    """Every current member and its state in the round, late ones first. Two queries."""
    day = today or timezone.localdate()
    submissions = {s.member_id: s for s in round_.submissions.defer("content")}
    rows = []
    for member in (
        MemberOrganization.objects.current(min(day, round_.due_on))
        .select_related("organization", "contact")
        .order_by("organization__name")
    ):
        found = submissions.get(member.pk)
        if found is not None:
            state = (
                DeliveryState.ON_TIME
                if found.submitted_on <= round_.due_on
                else DeliveryState.LATE_DELIVERED
            )
        else:
            state = DeliveryState.LATE if day > round_.due_on else DeliveryState.OPEN
        rows.append(DeliveryRow(member, state, found))
    order = [
        DeliveryState.LATE,
        DeliveryState.OPEN,
        DeliveryState.LATE_DELIVERED,
        DeliveryState.ON_TIME,
    ]
    return sorted(rows, key=lambda r: order.index(r.state))


def next_due(evaluation: SelfEvaluation) -> dt.date | None:
    """When the next self-evaluation is due: five years after this one was done."""
    if evaluation.done_on is None:
        return None
    done = evaluation.done_on
    year = done.year + SELF_EVALUATION_CYCLE_YEARS
    try:
        return done.replace(year=year)
    except ValueError:  # 29 February → 28 February
        return done.replace(year=year, day=28)


#: The counted columns of the uptake table, in the order they are shown.
UPTAKE_COLUMNS = ("members", "done", "started")


@dataclass
class UptakeRow:
    label: str
    members: int
    done: int
    started: int
    #: The label names a group ("Subregio: Noord"), not the lack of one ("Zonder subregio").
    named: bool = True
    #: The hidden columns: PRIMARY (a small count, "<5"), SECONDARY ("•", hidden so that a
    #: small count cannot be worked out from the totals) or WITHHELD ("—", nothing can be
    #: shown: too few members).
    hidden: dict[str, str] = field(default_factory=dict)

    def value(self, column: str) -> int:
        return int(getattr(self, column))

    def text(self, column: str) -> str:
        state = self.hidden.get(column)
        if state == suppression.PRIMARY:
            return suppression.small_label()
        if state == suppression.WITHHELD:
            return "—"
        if state:
            return suppression.SECONDARY_MARK
        return suppression.count_text(self.value(column))

    @property
    def done_share(self) -> str:
        """The share done, only on enough members and when neither count is hidden (a share
        beside its denominator gives the numerator back, and the other way round)."""
        if "members" in self.hidden or "done" in self.hidden:
            return "—"
        if not suppression.rate_publishable(self.members):
            return "—"
        return f"{round(100 * self.done / self.members)}%"

    @property
    def cells(self) -> list[str]:
        return [self.text(c) for c in UPTAKE_COLUMNS]


@dataclass
class Uptake:
    total: UptakeRow
    by_subregion: list[UptakeRow] = field(default_factory=list)
    by_type: list[UptakeRow] = field(default_factory=list)
    #: A breakdown that could not be protected is withheld: no rows at all.
    subregion_withheld: bool = False
    type_withheld: bool = False

    @property
    def secondary(self) -> bool:
        """Whether a shown row carries the "•" mark (so the note explains it)."""
        rows = [self.total, *self.by_subregion, *self.by_type]
        return any(suppression.SECONDARY in r.hidden.values() for r in rows)

    @property
    def suppressed(self) -> bool:
        rows = [self.total, *self.by_subregion, *self.by_type]
        return self.subregion_withheld or self.type_withheld or any(r.hidden for r in rows)


#: Where the figures of an uptake row stand in the table given to
#: :func:`suppression.suppression_states`: done, started, neither (never published), and the
#: row total (members) in the margin column.
_CELL = {"done": 0, "started": 1}
_NEITHER, _MEMBERS = 2, 3


def _states(rows: list[UptakeRow], total_hidden: dict[str, str]) -> dict[tuple[int, int], str]:
    """Suppression of one breakdown as one table, protected jointly (every row and column at
    once): its rows split into done, started and neither, members in the margin column, the
    total row in the margin row. Members are public (the member list): known to the reader,
    never hidden for protection. Neither is never shown: to the reader it can be any count.
    Cells of the total row that are hidden already stay hidden."""
    counts = [[r.done, r.started, r.members - r.done - r.started] for r in rows]
    n = len(rows)
    return suppression.suppression_states(
        counts,
        hidden=[(n, _CELL[c]) for c in _CELL if c in total_hidden],
        known=[(i, _MEMBERS) for i in range(n + 1)],
        unpublished=[(i, _NEITHER) for i in range(n + 1)],
    )


def protect_uptake(total: UptakeRow, breakdowns: list[list[UptakeRow]]) -> list[bool]:
    """Mark the cells of the uptake table to hide (``UptakeRow.hidden``) and say per breakdown
    whether it is withheld.

    Counts 1–4 of done and started are hidden as "<5" (primary), and more ("•", secondary)
    until no hidden count can be worked out from what is shown, with every group's number of
    members known (they are public): the total row on its own, then each breakdown as one
    table with the total row as its margin (:func:`_states`). A breakdown is never protected by
    hiding a figure of the total row: when that would be needed, or the table cannot be
    protected at all (a group of fewer than five members often cannot), it is withheld. Two
    breakdowns share only the total row; when it hides a figure both could narrow that figure
    down together, so then only the first one is shown."""
    total_states = _states([total], {})
    for column, j in _CELL.items():
        if suppression.WITHHELD in total_states.values():
            # Too few members to show any of it (the member count alone gives it away).
            total.hidden[column] = suppression.WITHHELD
        elif (0, j) in total_states and total.value(column):
            total.hidden[column] = total_states[(0, j)]
    withheld = [False] * len(breakdowns)
    shown = 0
    for k, rows in enumerate(breakdowns):
        if not rows:
            continue
        if shown and total.hidden:
            withheld[k] = True
            continue
        states = _states(rows, total.hidden)
        n = len(rows)
        widened = any(
            (n, j) in states and column not in total.hidden for column, j in _CELL.items()
        )
        if suppression.WITHHELD in states.values() or widened:
            withheld[k] = True
            continue
        for i, row in enumerate(rows):
            for column, j in _CELL.items():
                if (i, j) in states and row.value(column):
                    row.hidden[column] = states[(i, j)]
        shown += 1
    # Member counts 1–4 are shown as "<5" like every small count, although the member list
    # gives them (the check above assumes the reader knows them).
    for row in [total, *(r for rows in breakdowns for r in rows)]:
        if suppression.is_small(row.members):
            row.hidden["members"] = suppression.PRIMARY
    return withheld


def _state(evaluations: list[SelfEvaluation], today: dt.date) -> str:
    """done (within the cycle), started, or nothing."""
    for e in evaluations:
        due = next_due(e)
        if e.phase == SelfEvaluationPhase.DONE and due is not None and due > today:
            return "done"
    if any(e.phase == SelfEvaluationPhase.STARTED for e in evaluations):
        return "started"
    return ""


def uptake(today: dt.date | None = None) -> Uptake:
    """Share of current members with a self-evaluation done (within its five-year cycle) and
    started, in total, per subregion and per organisation type, protected for publication
    (:func:`protect_uptake`). Two queries."""
    day = today or timezone.localdate()
    members = list(
        MemberOrganization.objects.current(day).select_related(
            "organization", "organization__subregion"
        )
    )
    by_member: dict[int, list[SelfEvaluation]] = defaultdict(list)
    for e in SelfEvaluation.objects.filter(member__in=members):
        by_member[e.member_id].append(e)

    type_labels = {str(code): str(label) for code, label in OrganizationType.choices}

    without = _("Without subregion")

    def rows(key) -> list[UptakeRow]:  # type: ignore[no-untyped-def]
        groups: dict[str, list[MemberOrganization]] = defaultdict(list)
        for m in members:
            groups[key(m)].append(m)
        # Named groups alphabetically, members without a subregion last.
        ordered = sorted(groups.items(), key=lambda item: (item[0] == without, item[0]))
        found = [_row(label, group) for label, group in ordered]
        for row in found:
            row.named = row.label != without
        return found

    def _row(label: str, group: list[MemberOrganization]) -> UptakeRow:
        states = Counter(_state(by_member[m.pk], day) for m in group)
        return UptakeRow(label, len(group), states["done"], states["started"])

    total = _row("", members)
    by_subregion = rows(
        lambda m: m.organization.subregion.name if m.organization.subregion else without
    )
    # One translated label per type, not one lookup per member (3,000 in a national run).
    by_type = rows(lambda m: type_labels.get(m.organization.type, m.organization.type))
    sub_withheld, type_withheld = protect_uptake(total, [by_subregion, by_type])
    return Uptake(
        total=total,
        by_subregion=[] if sub_withheld else by_subregion,
        by_type=[] if type_withheld else by_type,
        subregion_withheld=sub_withheld,
        type_withheld=type_withheld,
    )


@dataclass
class ThemeRow:
    title: str
    count: int
    named: list[str]

    @property
    def shown_count(self) -> str:
        return suppression.count_text(self.count)


def themes_across(today: dt.date | None = None) -> list[ThemeRow]:
    """How many organisations found each theme (counts 1–4 as "<5"), naming only the
    organisations that agreed to be named. Two queries."""
    evaluations = (
        SelfEvaluation.objects.filter(phase=SelfEvaluationPhase.DONE)
        .select_related("member__organization")
        .prefetch_related("themes")
    )
    members: dict[str, set[int]] = defaultdict(set)
    named: dict[str, set[str]] = defaultdict(set)
    for e in evaluations:
        for theme in e.themes.all():
            members[theme.title].add(e.member_id)
            if e.may_be_named:
                named[theme.title].add(e.member.organization.name)
    return sorted(
        (ThemeRow(title, len(ids), sorted(named[title])) for title, ids in members.items()),
        key=lambda r: (-r.count, r.title),
    )
