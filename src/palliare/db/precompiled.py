"""Querysets compiled to SQL once per process and database, then run with new values.

Django compiles every queryset to SQL on every evaluation. For a query with joins, a subquery
and sixty columns that costs about a millisecond, several times what the database needs to
answer it (docs/performance.md). SQLAlchemy caches compiled statements for this reason; Django
does not, so the few queries on the 24/7 acute path use :class:`PrecompiledQuery`
(decision 0021):

    def _by_bsn(bsn: str) -> QuerySet[Patient]:
        return Patient.objects.filter(bsn=bsn).only("pk")[:2]

    BY_BSN = PrecompiledQuery(_by_bsn, bsn=str)
    patients = BY_BSN.fetch(bsn="999999990")

The queryset is still built by ordinary ORM code (the access rules stay in their querysets); it
is built and compiled once, with placeholder values, and every later call binds the caller's
values into the same SQL and lets Django's own iterable turn the rows into model instances
(``select_related`` and annotations included).

That is only correct when each parameter reaches the SQL unchanged, as a bound value, and
nothing else in the SQL depends on the moment or the values it was built with. Preparing checks
this instead of trusting it: the queryset is built and compiled twice, with two different sets of
placeholders, and preparing fails (:class:`ImproperlyConfigured`) when

- the SQL text differs between the two (it depends on the values, e.g. ``None`` or a list);
- a parameter's placeholder does not appear among the bound values (a lookup transformed it,
  e.g. ``__startswith``, or ``__iexact`` on SQLite, which escapes it for LIKE);
- any other bound value differs between the two (the second round is built in English and in
  UTC, so a translated text or a time-zone name shows up), or is a date or time: a
  ``timezone.now()`` or ``localdate()`` inside the queryset would be frozen at first use. Pass
  it as a parameter;
- the queryset has parts that do not run through its compiled SQL: ``prefetch_related``, a
  related manager's known objects, ``select_for_update``.

Calls check that every parameter is given, with the declared type and not None. The setting
``PRECOMPILED_QUERIES`` (default on) switches every precompiled query back to the plain ORM,
for measuring (bench/acute_inprocess.py ``--compare-precompiled``) or after a Django upgrade
breaks the internals this module relies on. The result is a
list, never a queryset: a queryset could be filtered further, and the extra filter would be
silently dropped from the cached SQL.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone, translation

M = TypeVar("M", bound=Model)

#: The parameter types a precompiled query accepts (bool is refused: it is an int, and a
#: database may compile ``= true`` and ``= false`` differently).
SUPPORTED_TYPES: tuple[type, ...] = (int, str, dt.date)


def _placeholder(kind: type, name: str, round_: int, index: int) -> Any:
    """A value of ``kind`` that no real query uses, different per parameter, and different
    between the two rounds in sign, parity, length and case, so that SQL built differently for
    different values shows up as a difference between the rounds. Integers stay within the
    range of a 32-bit column; text carries the characters a LIKE pattern escapes (``%``, ``_``,
    ``\\``) and a space, so a lookup that escapes or trims its value is caught."""
    if kind is int:
        return -2_000_000_001 - 2 * index if round_ == 1 else 2_000_000_002 + 2 * index
    if kind is str:
        return f"~pre%_\\ {name}~" if round_ == 1 else f" ~PRE%_\\-{name}-2~"
    if kind is dt.date:
        return dt.date(1111, 1, 1 + index) if round_ == 1 else dt.date(2999, 12, 28 - index)
    raise ImproperlyConfigured(f"Precompiled query parameter {name!r}: unsupported type {kind}.")


#: Integers a database column can hold (larger ones match no row, as in Django's own lookups).
_INT_RANGE = range(-(2**63), 2**63)


def _out_of_range(values: dict[str, Any]) -> bool:
    return any(type(v) is int and v not in _INT_RANGE for v in values.values())


#: A bound value that is a date or time as text (SQLite binds dates and times as ISO text).
_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}.*)?$|^\d{2}:\d{2}(:\d{2}.*)?$")


def _is_moment(value: Any) -> bool:
    return isinstance(value, (dt.date, dt.time)) or (
        isinstance(value, str) and _DATE_TEXT.match(value) is not None
    )


@dataclass(frozen=True)
class _Slot:
    """Where a parameter goes among the bound values, and how the backend adapted it there
    (SQLite, for example, binds a date as its ISO text)."""

    index: int
    name: str
    as_text: bool


@dataclass(frozen=True)
class _Plan(Generic[M]):
    queryset: QuerySet[M]
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    slots: tuple[_Slot, ...]


def _find(params: Sequence[Any], value: Any) -> list[tuple[int, bool]]:
    text = value.isoformat() if isinstance(value, dt.date) else None
    found = []
    for index, param in enumerate(params):
        if type(param) is type(value) and param == value:
            found.append((index, False))
        elif text is not None and param == text:
            found.append((index, True))
    return found


def _refuse_uncompiled_parts(queryset: QuerySet[Any], where: str) -> None:
    """Parts of a queryset that run outside its compiled SQL would keep the placeholder values
    (prefetch querysets, objects known from a related manager) or lose a check made while
    compiling (SELECT … FOR UPDATE outside a transaction)."""
    if (
        queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        or queryset._known_related_objects  # type: ignore[attr-defined]
        or queryset.query.select_for_update
    ):
        raise ImproperlyConfigured(
            f"{where}: prefetch_related, querysets of a related manager and select_for_update "
            "are not supported by precompiled queries."
        )


class PrecompiledQuery(Generic[M]):
    """A queryset built by ``build(**params)`` and compiled once per database alias.

    ``types`` declares each parameter's type (int, str or datetime.date)."""

    def __init__(self, build: Callable[..., QuerySet[M]], **types: type) -> None:
        if not types:
            raise ImproperlyConfigured("A precompiled query needs at least one parameter.")
        for name, kind in types.items():
            if kind not in SUPPORTED_TYPES:
                raise ImproperlyConfigured(
                    f"Precompiled query parameter {name!r}: unsupported type {kind}."
                )
        self._build = build
        self._types = types
        self._plans: dict[str, _Plan[M]] = {}
        self._lock = threading.Lock()

    def _placeholders(self, round_: int) -> dict[str, Any]:
        return {
            name: _placeholder(kind, name, round_, index)
            for index, (name, kind) in enumerate(self._types.items())
        }

    def _prepare(self, using: str | None) -> _Plan[M]:
        where = getattr(self._build, "__qualname__", repr(self._build))
        rounds = []
        # The second round runs in another language and time zone, so that SQL carrying a
        # translated text or the time zone's name differs between the rounds.
        for round_, language, zone in ((1, "nl", None), (2, "en", dt.UTC)):
            values = self._placeholders(round_)
            with (
                translation.override(language),
                timezone.override(zone or timezone.get_default_timezone()),
            ):
                queryset = self._build(**values)
                alias = using or queryset.db
                queryset = queryset.using(alias)
                _refuse_uncompiled_parts(queryset, where)
                compiler = queryset.query.get_compiler(using=alias)
                sql, params = compiler.as_sql()
            rounds.append((values, queryset, compiler, sql, tuple(params)))
        (first, queryset, compiler, sql, params), (second, _qs, _c, sql2, params2) = rounds
        if sql != sql2 or len(params) != len(params2):
            raise ImproperlyConfigured(f"{where}: the SQL depends on the parameter values.")
        slots: list[_Slot] = []
        for name in self._types:
            found = _find(params, first[name])
            if not found or [i for i, _t in found] != [i for i, _t in _find(params2, second[name])]:
                raise ImproperlyConfigured(
                    f"{where}: parameter {name!r} does not reach the SQL unchanged (use an "
                    "exact lookup, or leave this query to the ORM)."
                )
            slots += [_Slot(index, name, as_text) for index, as_text in found]
        taken = {slot.index for slot in slots}
        for index, (one, two) in enumerate(zip(params, params2, strict=True)):
            if index in taken:
                continue
            if one != two or _is_moment(one):
                raise ImproperlyConfigured(
                    f"{where}: bound value {one!r} would be frozen into the cached SQL (a date, "
                    "time or other value computed while building); pass it as a parameter."
                )
        return _Plan(queryset, compiler, sql, params, tuple(slots))

    def _plan(self, using: str | None) -> _Plan[M]:
        key = using or ""
        plan = self._plans.get(key)
        if plan is None:
            with self._lock:
                plan = self._plans.get(key)
                if plan is None:
                    plan = self._plans[key] = self._prepare(using)
        return plan

    def _check(self, values: dict[str, Any]) -> None:
        if set(values) != set(self._types):
            raise TypeError(f"Expected the parameters {sorted(self._types)}, got {sorted(values)}.")
        for name, kind in self._types.items():
            value = values[name]
            if value is None or isinstance(value, bool) or not isinstance(value, kind):
                raise TypeError(f"Parameter {name!r} must be a {kind.__name__}, not {value!r}.")
            if kind is dt.date and isinstance(value, dt.datetime):
                raise TypeError(f"Parameter {name!r} must be a date, not a datetime.")

    def _bind(self, plan: _Plan[M], values: dict[str, Any]) -> tuple[Any, ...]:
        self._check(values)
        params = list(plan.params)
        for slot in plan.slots:
            value = values[slot.name]
            params[slot.index] = value.isoformat() if slot.as_text else value
        return tuple(params)

    def fetch(self, *, using: str | None = None, **values: Any) -> list[M]:
        """Run the query with ``values`` and return its rows as the queryset would.

        Integer parameters are ids compared for equality: one no column can hold matches no
        row (Django's own exact lookup says the same instead of failing in the driver).

        With ``settings.PRECOMPILED_QUERIES`` off the queryset is built with the values and
        run as plain ORM (same checks, same rows, compiled on every call)."""
        if not settings.PRECOMPILED_QUERIES:
            self._check(values)
            if _out_of_range(values):
                return []
            queryset = self._build(**values)
            return list(queryset.using(using) if using else queryset)
        plan = self._plan(using)
        params = self._bind(plan, values)
        if _out_of_range(values):
            return []
        compiler = copy.copy(plan.compiler)
        # This thread's connection (Django's connections are per thread), and the cached SQL
        # instead of compiling again; everything else (selected columns, related models,
        # annotations, converters) is what the compiler worked out when the plan was made.
        compiler.connection = connections[plan.queryset.db]
        compiler.as_sql = lambda *args, **kwargs: (plan.sql, params)  # type: ignore[method-assign]
        queryset = plan.queryset._chain()  # type: ignore[attr-defined]
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def first(self, *, using: str | None = None, **values: Any) -> M | None:
        """The first row, or None (the queryset decides order and limit)."""
        return next(iter(self.fetch(using=using, **values)), None)
