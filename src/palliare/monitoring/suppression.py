"""Small-number suppression: the one module every figure passes on its way out of the database
(pages, charts, CSV/XLSX, PDF).

- A count from 1 to ``MONITORING_MIN_COUNT`` − 1 is published as "<5" (primary suppression).
- A rate is published only when its denominator is at least ``MONITORING_MIN_DENOMINATOR``.
- In a table with totals, complementary (secondary) suppression hides more cells, shown as "•",
  until no suppressed cell can be worked out from the totals and the other cells: first every
  row and column (totals included) that holds a suppressed cell gets a second, large one (or
  all its non-zero cells hidden; zeros are never hidden, they protect nothing), then an exact
  check (:func:`recoverable`) hides more while any hidden cell is still determined. A table that
  cannot be protected (say four 1s with a grand total of 4) is withheld as a whole.
  ``test_suppression.py`` proves with hypothesis that no suppressed cell can be recovered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import number_format

PRIMARY = "primary"
SECONDARY = "secondary"
WITHHELD = "withheld"
#: Never shown and needing no protection of its own (any count to the reader); used in the check.
FREE = "free"
#: The mark of a cell hidden to protect another one.
SECONDARY_MARK = "•"


def min_count() -> int:
    return int(settings.MONITORING_MIN_COUNT)


def min_denominator() -> int:
    return int(settings.MONITORING_MIN_DENOMINATOR)


def small_label() -> str:
    return f"<{min_count()}"


def is_small(count: float | None) -> bool:
    """A count that must not be published as such (1 up to the threshold − 1)."""
    return count is not None and 0 < count < min_count()


def count_text(count: float | None) -> str:
    """A count as published: "—" for none, "<5" for a small one, else the number."""
    if count is None:
        return "—"
    if is_small(count):
        return small_label()
    return number_format(round(count), 0, use_l10n=True, force_grouping=True)


def rate_publishable(denominator: float | None) -> bool:
    return denominator is not None and denominator >= min_denominator()


def published_value(value: float | None, denominator: float | None) -> float | None:
    """A rate or statistic as it may leave the database: None when its denominator is too
    small (or unknown)."""
    if value is None or not rate_publishable(denominator):
        return None
    return value


@dataclass(frozen=True)
class Cell:
    """A cell of a published table: its text, and its value only when published."""

    text: str
    value: int | None
    state: str = ""  # "", PRIMARY or SECONDARY

    @property
    def suppressed(self) -> bool:
        return bool(self.state)


@dataclass(frozen=True)
class Table:
    """A table of counts with row totals, column totals and a grand total, as published."""

    rows: list[list[Cell]]  # each row: its cells, then its total
    totals: list[Cell]  # column totals, then the grand total

    @property
    def withheld(self) -> bool:
        return any(c.state == WITHHELD for c in self.totals)

    @property
    def suppressed_any(self) -> bool:
        return any(c.suppressed for row in [*self.rows, self.totals] for c in row)


Position = tuple[int, int]


def _lines(n_rows: int, n_cols: int) -> list[list[Position]]:
    """The equations of a table with margins at index n_rows (total row) and n_cols (total
    column): every row and every column, each with its total."""
    rows = [[(i, j) for j in range(n_cols + 1)] for i in range(n_rows + 1)]
    cols = [[(i, j) for i in range(n_rows + 1)] for j in range(n_cols + 1)]
    return rows + cols


def _margins(counts: Sequence[Sequence[int]]) -> dict[Position, int]:
    n_rows, n_cols = len(counts), len(counts[0]) if counts else 0
    values: dict[Position, int] = {}
    for i, row in enumerate(counts):
        for j, v in enumerate(row):
            values[(i, j)] = int(v)
        values[(i, n_cols)] = sum(int(v) for v in row)
    for j in range(n_cols):
        values[(n_rows, j)] = sum(int(counts[i][j]) for i in range(n_rows))
    values[(n_rows, n_cols)] = sum(values[(i, n_cols)] for i in range(n_rows))
    return values


def suppression_states(
    counts: Sequence[Sequence[int]],
    threshold: int | None = None,
    *,
    hidden: Iterable[Position] = (),
    known: Iterable[Position] = (),
    unpublished: Iterable[Position] = (),
) -> dict[Position, str]:
    """Which cells of ``counts`` (with its margins added at the end of each row and column) to
    suppress, and why (PRIMARY or SECONDARY): first the line rule of the module docstring, then
    an exact check (:func:`recoverable`) that hides more until no hidden cell is determined.

    ``hidden`` names cells that are hidden anyway (a total another published table hides);
    they start out suppressed, so the table also protects them. ``known`` names cells the
    reader knows whatever is hidden (public elsewhere, or worked out from other figures): they
    are never hidden and count as published in the check. When the table cannot be protected
    without hiding one of them, it is withheld. ``unpublished`` names cells that are never
    shown but need no protection of their own (a remainder such as "neither"): to the reader
    they can be any count, so they protect the cells in their lines; they are not in the
    answer."""
    m = threshold if threshold is not None else min_count()
    n_rows, n_cols = len(counts), len(counts[0]) if counts else 0
    values = _margins(counts)
    free = set(unpublished)
    fixed = set(known) | free
    states: dict[Position, str] = {
        p: PRIMARY for p, v in values.items() if 0 < v < m and p not in fixed
    }
    for p in hidden:
        if p in values and p not in states and values[p] > 0:
            states[p] = SECONDARY
    if not states:
        return states
    lines = _lines(n_rows, n_cols)

    def is_margin(p: Position) -> bool:
        return p[0] == n_rows or p[1] == n_cols

    while True:
        changed = True
        while changed:
            changed = False
            for line in lines:
                if not any(p in states for p in line):
                    continue
                hidden = [p for p in line if p in states or p in free]
                open_cells = [
                    p for p in line if p not in states and values[p] > 0 and p not in fixed
                ]
                if not hidden or not open_cells:
                    continue
                if len(hidden) >= 2 and any(values[p] > m for p in hidden):
                    continue
                large = [p for p in open_cells if values[p] > m]
                if large:
                    # The smallest large cell, inner cells before totals.
                    pick = min(large, key=lambda p: (is_margin(p), values[p], p))
                    states[pick] = SECONDARY
                else:
                    for p in open_cells:
                        states[p] = SECONDARY
                changed = True
        pinned = [
            p
            for p in recoverable(values, {**states, **dict.fromkeys(free, FREE)}, lines, m)
            if p not in free
        ]
        if not pinned:
            return states
        # Hide one more non-zero cell in a line of the first determined cell, the smallest
        # first; when none is left there, the grand total.
        target = pinned[0]
        candidates = [
            p
            for line in lines
            if target in line
            for p in line
            if p not in states and values[p] > 0 and p not in fixed
        ]
        if not candidates:
            candidates = [
                p for p, v in values.items() if p not in states and v > 0 and p not in fixed
            ]
        if not candidates:
            # Nothing left to hide and still a cell can be worked out (e.g. four 1s with a
            # grand total of 4): the table is withheld as a whole.
            return dict.fromkeys(values, WITHHELD)
        states[min(candidates, key=lambda p: (values[p], p))] = SECONDARY


#: How many steps the search for a cycle may take per hidden cell and direction; a cell whose
#: search runs out counts as determined (and more is hidden): the check errs on the safe side.
CYCLE_BUDGET = 2_000


def recoverable(
    values: dict[Position, int],
    states: dict[Position, str],
    lines: list[list[Position]],
    m: int,
) -> list[Position]:
    """The hidden cells whose value an attacker may be able to work out, knowing every
    published cell, that each row and column adds up to its total, that "<m" means 1…m−1 and
    that "•" means 0 or at least m.

    A hidden cell can take another value when it lies on a cycle of hidden cells (rows and
    columns alternating, totals included) along which +1/−1 alternately keeps every row and
    column sum and every cell within what its mark allows: that changed table is published
    identically. A cell without such a cycle is reported (conservatively: a larger change might
    exist), so more is hidden. Totals enter with the opposite sign, which turns every line into
    "sums to zero" and every consistent change into a circulation on the hidden cells.
    """
    n_rows = max(i for i, _j in values)
    n_cols = max(j for _i, j in values)
    del lines

    def sign(p: Position) -> int:
        margin = (p[0] == n_rows) != (p[1] == n_cols)
        return -1 if margin else 1

    def allowed(p: Position, x: int) -> bool:
        if states[p] == PRIMARY:
            return 1 <= x < m
        if states[p] == FREE:
            return x >= 0
        return x == 0 or x >= m

    by_row: dict[int, list[Position]] = {}
    by_col: dict[int, list[Position]] = {}
    for p in states:
        by_row.setdefault(p[0], []).append(p)
        by_col.setdefault(p[1], []).append(p)

    def step_ok(p: Position, delta: int) -> bool:
        return allowed(p, values[p] + sign(p) * delta)

    def cycle(start: Position, delta: int) -> bool:
        # Walk from the start's column, alternating −delta (to a row) and +delta (to a column),
        # until an edge with −delta arrives back at the start's row.
        target_row = start[0]
        budget = [CYCLE_BUDGET]
        seen_rows: set[int] = {target_row}
        seen_cols: set[int] = {start[1]}

        def from_col(col: int) -> bool:
            budget[0] -= 1
            if budget[0] < 0:
                return False
            for p in by_col.get(col, []):
                if p == start or (p[0] in seen_rows and p[0] != target_row):
                    continue
                if not step_ok(p, -delta):
                    continue
                if p[0] == target_row:
                    return True
                seen_rows.add(p[0])
                if from_row(p[0], p):
                    return True
                seen_rows.discard(p[0])
            return False

        def from_row(row: int, came: Position) -> bool:
            for p in by_row.get(row, []):
                if p == came or p[1] in seen_cols or not step_ok(p, delta):
                    continue
                seen_cols.add(p[1])
                if from_col(p[1]):
                    return True
                seen_cols.discard(p[1])
            return False

        return step_ok(start, delta) and from_col(start[1])

    return [p for p in sorted(states) if not (cycle(p, 1) or cycle(p, -1))]


def suppress_table(counts: Sequence[Sequence[int]]) -> Table:
    """Publish a table of counts with its totals: small counts as "<5", cells that would
    reveal them as "•"."""
    n_rows, n_cols = len(counts), len(counts[0]) if counts else 0
    states = suppression_states(counts)

    def cell(i: int, j: int, value: int) -> Cell:
        state = states.get((i, j), "")
        if state == WITHHELD:
            return Cell("—", None, WITHHELD)
        if state == PRIMARY:
            return Cell(small_label(), None, PRIMARY)
        if state == SECONDARY:
            return Cell(SECONDARY_MARK, None, SECONDARY)
        return Cell(count_text(value), value)

    rows = []
    for i, row in enumerate(counts):
        rows.append(
            [cell(i, j, int(v)) for j, v in enumerate(row)]
            + [cell(i, n_cols, sum(int(v) for v in row))]
        )
    col_totals = [sum(int(counts[i][j]) for i in range(n_rows)) for j in range(n_cols)]
    totals = [cell(n_rows, j, v) for j, v in enumerate(col_totals)] + [
        cell(n_rows, n_cols, sum(col_totals))
    ]
    return Table(rows, totals)


def partition_masks(parts: Sequence[int], total: int, *, total_hidden: bool) -> list[bool] | None:
    """Which parts of a breakdown to hide when the parts (age bands, diagnosis groups, the
    municipalities of a subregion, …) add up to ``total`` with a remainder nobody publishes
    (cases without an age band, …). The remainder takes part in the protection like any cell.

    ``total_hidden`` says whether ``total`` is hidden where it is published itself; then this
    breakdown protects it too. When the parts cannot be protected without hiding a total that
    is published elsewhere, or they add up to more than the total (not a partition), the
    answer is None: withhold every part."""
    rest = total - sum(parts)
    if rest < 0 or not parts:
        return None
    counts = [[int(p)] for p in parts] + ([[rest]] if rest else [])
    n = len(counts)
    states = suppression_states(counts, hidden=[(n, 0), (n, 1)] if total_hidden else [])
    if WITHHELD in states.values():
        return None
    if not total_hidden and ((n, 0) in states or (n, 1) in states):
        return None
    return [(i, 0) in states for i in range(len(parts))]
