"""Small-number suppression: counts 1–4 appear as "<5", rates need a denominator of 10, and —
proved with hypothesis against an attacker who knows the published cells, every total, the
rule that "<5" means 1–4 and "•" means 0 or at least 5 — no suppressed cell of a published
table can be worked out exactly. Also Wilson intervals and funnel limits."""

from __future__ import annotations

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palliare.monitoring import intervals, suppression
from palliare.monitoring.suppression import PRIMARY

M = 5


def test_counts_and_rates():
    assert [suppression.count_text(n) for n in (0, 1, 4, 5, 1234)] == [
        "0",
        "<5",
        "<5",
        "5",
        "1.234",
    ]
    assert suppression.count_text(None) == "—"
    assert suppression.published_value(40.0, 9) is None
    assert suppression.published_value(40.0, 10) == 40.0


@override_settings(MONITORING_MIN_COUNT=11, MONITORING_MIN_DENOMINATOR=50)
def test_thresholds_come_from_settings():
    assert suppression.count_text(10) == "<11"
    assert suppression.published_value(40.0, 49) is None


def _full(counts: list[list[int]]) -> dict[tuple[int, int], int]:
    n_rows, n_cols = len(counts), len(counts[0])
    values = {(i, j): v for i, row in enumerate(counts) for j, v in enumerate(row)}
    for i in range(n_rows):
        values[(i, n_cols)] = sum(counts[i])
    for j in range(n_cols):
        values[(n_rows, j)] = sum(counts[i][j] for i in range(n_rows))
    values[(n_rows, n_cols)] = sum(values[(i, n_cols)] for i in range(n_rows))
    return values


def _allowed(states, p, v: int) -> bool:
    if v < 0:
        return False
    return 1 <= v < M if states[p] == PRIMARY else v == 0 or v >= M


def _solve(values, states, lines, cap, first=None, avoid=None) -> dict | None:
    """One assignment of the suppressed cells that agrees with everything published, with
    cell ``first`` tried first and never given the value ``avoid``; None when there is none
    (plain search; sound pruning only: a partial line sum never exceeds its total, and a line
    with one unknown left forces that unknown's value)."""
    published = {p: v for p, v in values.items() if p not in states}
    n_rows, n_cols = max(p[0] for p in values), max(p[1] for p in values)
    # Inner cells row by row, then the margins, which the lines then mostly force.
    hidden = sorted(states, key=lambda p: (p != first, p[0] == n_rows or p[1] == n_cols, p))

    def bound(p) -> int:
        totals = [published[line[-1]] for line in lines if p in line[:-1] and line[-1] in published]
        return min([cap, *totals])

    domains = {
        p: [
            v
            for v in (range(1, M) if states[p] == PRIMARY else [0, *range(M, bound(p) + 1)])
            if not (p == first and v == avoid)
        ]
        for p in hidden
    }
    line_of = {p: [line for line in lines if p in line] for p in states}

    def line_ok(line, assign) -> bool:
        cells = [(q, assign.get(q, published.get(q))) for q in line]
        missing = [q for q, v in cells if v is None]
        inner = sum(v for q, v in cells[:-1] if v is not None)
        total = cells[-1][1]
        if not missing:
            return inner == total
        if len(missing) == 1:  # the last unknown of a line is forced
            q = missing[0]
            return _allowed(states, q, inner if q == line[-1] else total - inner)
        return total is None or inner <= total

    assign: dict = {}

    def search(k: int) -> bool:
        if k == len(hidden):
            return all(line_ok(line, assign) for line in lines)
        p = hidden[k]
        for v in domains[p]:
            assign[p] = v
            if all(line_ok(line, assign) for line in line_of[p]) and search(k + 1):
                return True
            del assign[p]
        return False

    return dict(assign) if search(0) else None


def _pinned(values, states, lines, cap) -> list:
    """The suppressed cells that can take only one value given what is published: for each,
    look for a solution that gives it another value than a first solution does."""
    base = _solve(values, states, lines, cap)
    assert base is not None, "the published table has no solution at all"
    seen = {p: {v} for p, v in base.items()}
    for p in sorted(states):
        if len(seen[p]) > 1:
            continue
        other = _solve(values, states, lines, cap, first=p, avoid=base[p])
        if other is not None:
            for q, v in other.items():
                seen[q].add(v)
    return [p for p, found in seen.items() if len(found) < 2]


small_tables = st.integers(min_value=1, max_value=3).flatmap(
    lambda rows: st.integers(min_value=2, max_value=3).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 9, 12]), min_size=cols, max_size=cols
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_tables)
def test_no_suppressed_cell_can_be_recovered(counts):
    values = _full(counts)
    states = suppression.suppression_states(counts, threshold=M)
    if suppression.WITHHELD in states.values():
        assert set(states.values()) == {suppression.WITHHELD}  # nothing published at all
        return
    assert all(states.get(p) == PRIMARY for p, v in values.items() if 0 < v < M)
    lines = suppression._lines(len(counts), len(counts[0]))
    cap = values[(len(counts), len(counts[0]))] + M
    pinned = _pinned(values, states, lines, cap)
    assert not pinned, f"{counts}: {pinned} recoverable ({states})"


def test_published_table_marks():
    table = suppression.suppress_table([[3, 20], [12, 30]])
    assert table.rows[0][0].text == "<5"
    assert table.rows[0][0].value is None
    hidden = [c for row in [*table.rows, table.totals] for c in row if c.suppressed]
    assert len(hidden) >= 4  # the 3 and cells protecting it in its row and column


def test_wilson_interval():
    low, high = intervals.wilson(2, 4)
    assert low == pytest.approx(15.0, abs=0.1)
    assert high == pytest.approx(85.0, abs=0.1)
    assert intervals.wilson(0, 0) is None
    low, high = intervals.wilson(0, 10)
    assert low == 0 and high == pytest.approx(27.75, abs=0.05)


def test_funnel_limits_narrow_with_size():
    points = intervals.funnel_limits(30.0, 400)
    assert points[0].upper998 > points[-1].upper998 > points[-1].upper95 > 30 > points[-1].lower95
    assert intervals.outside(30, 100, 30) == ""
    assert intervals.outside(60, 100, 30) == "99.8"
    assert intervals.outside(40, 100, 30) == "95"


one_column_tables = st.lists(
    st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 9, 12]), min_size=1, max_size=1),
    min_size=1,
    max_size=4,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_column_tables, st.booleans())
def test_a_total_hidden_elsewhere_is_protected_too(counts, total_hidden):
    """A breakdown (one column of parts and their remainder) whose total another table hides:
    the total stays hidden here and neither it nor any hidden part can be worked out."""
    n = len(counts)
    forced = [(n, 0), (n, 1)] if total_hidden else []
    states = suppression.suppression_states(counts, threshold=M, hidden=forced)
    if suppression.WITHHELD in states.values():
        return
    values = _full(counts)
    if total_hidden and values[(n, 0)] > 0:
        assert (n, 0) in states and (n, 1) in states
    lines = suppression._lines(n, 1)
    cap = values[(n, 1)] + M
    pinned = _pinned(values, states, lines, cap)
    assert not pinned, f"{counts} (total hidden: {total_hidden}): {pinned} ({states})"


def test_partition_masks():
    # 3 of a published 20 with 17 elsewhere: the 17 (or the remainder) hides it.
    assert suppression.partition_masks([3, 17], 20, total_hidden=False) == [True, True]
    # Nothing small: nothing hidden; zeros are never hidden.
    assert suppression.partition_masks([0, 12, 8], 20, total_hidden=False) == [False] * 3
    # The unpublished remainder (2 without a group) takes part like any cell: two small
    # cells alone do not protect each other, so a large part is hidden as well.
    assert suppression.partition_masks([3, 15], 20, total_hidden=False) == [True, True]
    # Parts that add up to more than the total are no partition: withheld.
    assert suppression.partition_masks([15, 12], 20, total_hidden=False) is None
    # The total hidden elsewhere: it must not be the only cell hidden here.
    masks = suppression.partition_masks([12, 8], 20, total_hidden=True)
    assert masks is not None and any(masks)
    # One part equal to a total published elsewhere that would need hiding: withheld.
    assert suppression.partition_masks([3], 3, total_hidden=False) is None


def test_known_and_unpublished_cells():
    """A known cell (public elsewhere) is never hidden; an unpublished one (a remainder) is
    never in the answer but protects the cells of its lines."""
    # Row 0: 3 small beside 8; the row total is public. Without the unpublished remainder in
    # column 2 the 8 would have to be hidden too; with it, the 3 is protected by the remainder.
    counts = [[3, 8, 4], [9, 7, 6]]
    plain = suppression.suppression_states(counts, threshold=M)
    assert (0, 0) in plain and (0, 2) in plain  # the 4 is small itself
    states = suppression.suppression_states(
        counts, threshold=M, known=[(0, 3), (1, 3), (2, 3)], unpublished=[(0, 2), (1, 2), (2, 2)]
    )
    assert not {(0, 2), (1, 2), (2, 2), (0, 3), (1, 3), (2, 3)} & set(states)
    assert states[(0, 0)] == PRIMARY
    # The column of the 3 needs a second hidden cell; the row does not (the remainder absorbs).
    assert any(p[1] == 0 and p != (0, 0) for p in states)
    # A row whose total is public and whose only other cells are published: withheld.
    assert set(
        suppression.suppression_states([[1, 0]], threshold=M, known=[(0, 2), (1, 2)]).values()
    ) == {suppression.WITHHELD}
