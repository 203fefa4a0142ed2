"""The self-evaluation uptake table leaves the database protected: no hidden count ("<5" or
"•") can be worked out by an attacker who knows every published cell and share, that the
subregion rows and the organisation-type rows each add up to the "All members" row, that done
plus started never exceeds a row's members, and — from the public member list — every row's
number of members. Checked by search (every value a hidden cell could take) on fixed and
random tables; the annual report shows exactly the page's cells."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.programme import reporting, services
from palliare.programme.constants import SelfEvaluationPhase
from palliare.programme.factories import MemberOrganizationFactory
from palliare.programme.models import MemberOrganization
from palliare.programme.report_sections import sections_for
from palliare.programme.reporting import UptakeRow, protect_uptake

COLUMNS = ("members", "done", "started")
M = 5


def _published(uptake: reporting.Uptake) -> list[list[UptakeRow]]:
    """The published lines: the total row, then each breakdown that is shown."""
    return [[uptake.total], *[rows for rows in (uptake.by_subregion, uptake.by_type) if rows]]


def _pinned(uptake: reporting.Uptake, *, members_known: bool) -> list[tuple[str, str]]:
    """The hidden cells (row label, column) whose value follows from what is published: for
    each, look for a solution giving it another value than a first solution does. With
    ``members_known`` every row's members count is known (the public member list)."""
    (total,), *breakdowns = _published(uptake)
    rows = [total, *(r for rows in breakdowns for r in rows)]
    cap = total.members + M
    var: dict[tuple[int, str], list[int]] = {}
    known: dict[tuple[int, str], int] = {}
    for i, row in enumerate(rows):
        for c, text in zip(COLUMNS, row.cells, strict=True):
            if (c == "members" and members_known) or re.fullmatch(r"[\d.]+", text):
                known[(i, c)] = row.value(c)
            elif text == f"<{M}":
                var[(i, c)] = list(range(1, M))
            elif text == "—":  # withheld: any count
                var[(i, c)] = list(range(cap + 1))
            else:
                assert text == "•", text
                var[(i, c)] = [0, *range(M, cap + 1)]
    # Linear constraints sum(coef * cell) (== or <=) 0, and the shares.
    constraints: list[tuple[list[tuple[int, tuple[int, str]]], str]] = []
    offset = 1
    for part_rows in breakdowns:
        for c in COLUMNS:
            terms = [(1, (offset + k, c)) for k in range(len(part_rows))] + [(-1, (0, c))]
            constraints.append((terms, "=="))
        offset += len(part_rows)
    for i in range(len(rows)):
        constraints.append(([(1, (i, "done")), (1, (i, "started")), (-1, (i, "members"))], "<="))
    shares = [(i, int(row.done_share[:-1])) for i, row in enumerate(rows) if row.done_share != "—"]
    order = sorted(var, key=lambda p: (p[1] != "members", p))

    def feasible(assign: dict[tuple[int, str], int]) -> bool:
        def value(p: tuple[int, str]) -> int | None:
            return known.get(p, assign.get(p))

        for terms, kind in constraints:
            low = high = 0
            for coef, p in terms:
                v = value(p)
                lo, hi = (v, v) if v is not None else (min(var[p]), max(var[p]))
                low += coef * (lo if coef > 0 else hi)
                high += coef * (hi if coef > 0 else lo)
            if low > 0 or (kind == "==" and high < 0):
                return False
        for i, share in shares:
            done, members = value((i, "done")), value((i, "members"))
            if done is not None and members is not None and round(100 * done / members) != share:
                return False
        return True

    def solve(first: tuple[int, str] | None = None, avoid: int | None = None) -> dict | None:
        keys = sorted(order, key=lambda p: p != first)
        assign: dict[tuple[int, str], int] = {}

        def search(k: int) -> bool:
            if k == len(keys):
                return True
            p = keys[k]
            for v in var[p]:
                if p == first and v == avoid:
                    continue
                assign[p] = v
                if feasible(assign) and search(k + 1):
                    return True
                del assign[p]
            return False

        return dict(assign) if search(0) else None

    base = solve()
    assert base is not None, "the published table has no solution at all"
    seen = {p: {v} for p, v in base.items()}
    for p in order:
        if len(seen[p]) < 2:
            other = solve(p, base[p])
            for q, v in (other or {}).items():
                seen[q].add(v)
    return [
        (rows[p[0]].label or "total", p[1])
        for p, found in seen.items()
        # Member counts are public (the member list): working one out tells nothing new.
        if len(found) < 2 and p[1] != "members"
    ]


def _world(groups: list[tuple[str, str, str]]) -> reporting.Uptake:
    """An uptake table from members given as (subregion, type, state) — as :func:`uptake`
    builds it, without the database."""

    def row(label: str, found: list[tuple[str, str, str]]) -> UptakeRow:
        states = Counter(s for _sub, _type, s in found)
        return UptakeRow(label, len(found), states["done"], states["started"])

    total = row("", groups)
    by_sub = [row(s, [g for g in groups if g[0] == s]) for s in sorted({g[0] for g in groups})]
    by_type = [row(t, [g for g in groups if g[1] == t]) for t in sorted({g[1] for g in groups})]
    sub_withheld, type_withheld = protect_uptake(total, [by_sub, by_type])
    return reporting.Uptake(
        total,
        [] if sub_withheld else by_sub,
        [] if type_withheld else by_type,
        sub_withheld,
        type_withheld,
    )


def _members(spec: dict[tuple[str, str], tuple[int, int, int]]) -> list[tuple[str, str, str]]:
    """Members from {(subregion, type): (done, started, neither)}."""
    found = []
    for (sub, kind), counts in spec.items():
        for state, n in zip(("done", "started", ""), counts, strict=True):
            found += [(sub, kind, state)] * n
    return found


TABLES = [
    # The page's leak: 3 of 12 done in one subregion, 6 in the other; shares on 12 members.
    {("Noord", "hospice"): (3, 0, 9), ("Zuid", "hospice"): (6, 1, 1)},
    {("Noord", "hospice"): (3, 2, 7), ("Zuid", "thuiszorg"): (6, 0, 6), ("Oost", "vvt"): (8, 4, 3)},
    {("Noord", "hospice"): (1, 0, 5), ("Noord", "vvt"): (7, 3, 0), ("Zuid", "vvt"): (12, 5, 9)},
    {("Noord", "hospice"): (2, 2, 0), ("Zuid", "hospice"): (9, 0, 11)},
    {("A", "x"): (5, 5, 5), ("B", "y"): (6, 6, 6), ("C", "x"): (1, 1, 1), ("C", "y"): (7, 0, 0)},
]


@pytest.mark.parametrize("spec", TABLES)
def test_no_hidden_uptake_cell_can_be_worked_out(spec):
    uptake = _world(_members(spec))
    assert uptake.suppressed
    assert not _pinned(uptake, members_known=True)
    assert not _pinned(uptake, members_known=False)
    for row in [uptake.total, *uptake.by_subregion, *uptake.by_type]:
        for c in COLUMNS:
            if 0 < row.value(c) < M:
                assert row.hidden[c] == "primary"
        if row.done_share != "—":
            assert row.members >= 10 and not {"members", "done"} & set(row.hidden)


member_lists = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C"]),
        st.sampled_from(["x", "y"]),
        st.sampled_from(["done", "done", "started", ""]),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(member_lists)
def test_random_uptake_tables_leak_nothing(groups):
    # Against the table alone, and with every group's number of members known (the public
    # member list).
    uptake = _world(groups)
    assert not _pinned(uptake, members_known=False), uptake
    assert not _pinned(uptake, members_known=True), uptake


@pytest.mark.django_db
def test_a_hidden_done_count_is_not_total_minus_the_other_rows(world):
    """Before: Noord showed "<5" done beside Zuid's 6 and the total 9 (9 − 6 = 3), and its
    share 25% of 12 members gave the same 3."""
    north, south = world.north, world.south
    world.hospice.subregion = north
    world.hospice.save(update_fields=["subregion"])
    members = [world.member]
    members += [
        MemberOrganizationFactory(
            organization=OrganizationFactory(type=OrganizationType.HOSPICE, subregion=north)
        )
        for _ in range(11)
    ]
    members += [
        MemberOrganizationFactory(
            organization=OrganizationFactory(type=OrganizationType.HOSPICE, subregion=south)
        )
        for _ in range(8)
    ]
    for member in members[:3] + members[12:18]:
        services.save_self_evaluation(
            world.coordinator,
            member,
            phase=SelfEvaluationPhase.DONE,
            started_on=dt.date(2024, 1, 1),
            done_on=dt.date(2024, 3, 1),
        )
    assert MemberOrganization.objects.current().count() == 20
    uptake = reporting.uptake()
    north_row = next(r for r in uptake.by_subregion if r.label == north.name)
    south_row = next(r for r in uptake.by_subregion if r.label == south.name)
    assert (north_row.done, south_row.done, uptake.total.done) == (3, 6, 9)
    assert north_row.cells[1] == "<5"
    # Neither the column's other rows nor the share give the 3 back.
    assert south_row.cells[1] != "6" or uptake.total.cells[1] != "9"
    assert north_row.done_share == "—"
    assert not _pinned(uptake, members_known=True)
    assert not _pinned(uptake, members_known=False)
    # The annual report publishes the page's cells, never one the page hides.
    section = next(s for s in sections_for(dt.date.today().year) if s.key == "self_evaluations")
    published = {tuple(r[1:]) for r in section.rows}
    for row in [uptake.total, *uptake.by_subregion, *uptake.by_type]:
        assert (*row.cells, row.done_share) in published


def test_withheld_when_a_breakdown_cannot_be_protected():
    # Two subregions with 3 done each of a published 6: only hiding the total would protect
    # them, and the total row is not hidden for a breakdown's sake.
    uptake = _world(_members({("A", "x"): (3, 0, 7), ("B", "x"): (3, 0, 7)}))
    assert uptake.total.cells == ["20", "6", "0"]
    assert uptake.subregion_withheld and not uptake.by_subregion
    assert uptake.by_type and not uptake.type_withheld
    assert not _pinned(uptake, members_known=True)
    assert not _pinned(uptake, members_known=False)


def test_the_note_explains_the_secondary_mark_only_when_it_is_shown():
    hidden = _world(_members(TABLES[0]))
    assert hidden.secondary == any(
        "•" in row.cells for row in [hidden.total, *hidden.by_subregion, *hidden.by_type]
    )
    assert hidden.secondary
    plain = _world(_members({("A", "x"): (6, 7, 8), ("B", "x"): (9, 10, 11)}))
    assert not plain.secondary and not plain.suppressed
