"""The definition of a data set version, declared once as data, and everything derived from it:
parsing a cell into a value and validating a whole delivery (type, range, required, duplicates,
comparisons between elements such as numerator ≤ denominator).

A :class:`Definition` is the frozen content of one ``DataSetVersion`` (stored as JSON). The
template, the upload, the API and the review page all read the same definition, so a rule is
written once and enforced once. This module is pure: no database, no files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .constants import Operator, ValueType

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
#: A number as people type it: optional minus, digits with optional thousands separators, an
#: optional decimal part with a comma or a point.
_NUMBER = re.compile(r"^-?(\d+|\d{1,3}([.\s]\d{3})+|\d{1,3}(,\d{3})+)([.,]\d+)?$")
#: "1.200": a thousand two hundred (Dutch) or one point two (English)?
_AMBIGUOUS = re.compile(r"^-?\d{1,3}\.\d{3}$")
_YES = {"ja", "j", "yes", "y", "1", "waar", "true"}
_NO = {"nee", "n", "no", "0", "onwaar", "false"}
MAX_DIGITS = 12


@dataclass(frozen=True)
class ElementSpec:
    """One data element as a data set version asks for it."""

    code: str
    name_nl: str
    name_en: str
    value_type: str
    unit: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    required: bool = True
    help_text: str = ""

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    @property
    def lowest(self) -> Decimal:
        """The smallest value allowed: the element's minimum, else 0 (figures are counts and
        amounts; a negative value is only allowed when the element's minimum says so)."""
        return self.min_value if self.min_value is not None else Decimal(0)

    @property
    def highest(self) -> Decimal | None:
        if self.value_type == ValueType.PERCENTAGE:
            return min(self.max_value, Decimal(100)) if self.max_value is not None else Decimal(100)
        if self.value_type == ValueType.YES_NO:
            return Decimal(1)
        return self.max_value

    def describe(self) -> str:
        """What may be entered, in one line (for the template and the form)."""
        if self.value_type == ValueType.YES_NO:
            return _("ja or nee")
        kind = {
            ValueType.INTEGER: _("whole number"),
            ValueType.DECIMAL: _("decimal number"),
            ValueType.PERCENTAGE: _("percentage"),
        }[ValueType(self.value_type)]
        high = self.highest
        if high is None:
            return _("%(kind)s, at least %(low)s") % {"kind": kind, "low": _fmt(self.lowest)}
        return _("%(kind)s from %(low)s to %(high)s") % {
            "kind": kind,
            "low": _fmt(self.lowest),
            "high": _fmt(high),
        }


@dataclass(frozen=True)
class RuleSpec:
    """``left operator right`` must hold between two elements of one delivery, e.g.
    ``consultations_with_plan <= consultations`` (a numerator at most its denominator)."""

    left: str
    operator: str
    right: str

    def holds(self, left: Decimal, right: Decimal) -> bool:
        return {
            Operator.LE: left <= right,
            Operator.LT: left < right,
            Operator.GE: left >= right,
            Operator.GT: left > right,
            Operator.EQ: left == right,
        }[Operator(self.operator)]

    def __str__(self) -> str:
        return f"{self.left} {self.operator} {self.right}"


@dataclass(frozen=True)
class Definition:
    """The elements and rules of one data set version."""

    elements: tuple[ElementSpec, ...]
    rules: tuple[RuleSpec, ...] = ()

    def element(self, code: str) -> ElementSpec | None:
        return next((e for e in self.elements if e.code == code), None)

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.elements]

    def to_json(self) -> dict[str, Any]:
        def element(spec: ElementSpec) -> dict[str, Any]:
            data = asdict(spec)
            for key in ("min_value", "max_value"):
                data[key] = None if data[key] is None else str(data[key])
            return data

        return {
            "elements": [element(e) for e in self.elements],
            "rules": [asdict(r) for r in self.rules],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Definition:
        elements = []
        for raw in data.get("elements", []):
            values = dict(raw)
            for key in ("min_value", "max_value"):
                values[key] = None if values.get(key) in (None, "") else Decimal(values[key])
            elements.append(ElementSpec(**values))
        rules = [RuleSpec(**r) for r in data.get("rules", [])]
        return cls(tuple(elements), tuple(rules))


def parse_rule(text: str, codes: Iterable[str]) -> RuleSpec:
    """A rule from one line of text: ``left <= right`` (operators <=, <, >=, >, =).
    Raises ValueError with a Dutch message."""
    known = set(codes)
    match = re.match(r"^\s*([a-z0-9_]+)\s*(<=|>=|<|>|=)\s*([a-z0-9_]+)\s*$", text)
    if not match:
        raise ValueError(
            _("“%(rule)s” is not a rule. Write: code <= code (or <, >=, >, =).")
            % {"rule": text[:80]}
        )
    left, operator, right = match.groups()
    for code in (left, right):
        if code not in known:
            raise ValueError(
                _("The rule “%(rule)s” names “%(code)s”, which is not in this data set.")
                % {"rule": text[:80], "code": code}
            )
    if left == right:
        raise ValueError(_("The rule “%(rule)s” compares an element with itself.") % {"rule": text})
    return RuleSpec(left, operator, right)


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", ",")


def format_value(value: Decimal | None, spec: ElementSpec | None) -> str:
    """A value as the interface shows it (decimal comma; ja/nee)."""
    if value is None:
        return ""
    if spec is not None and spec.value_type == ValueType.YES_NO:
        return _("yes") if value else _("no")
    return _fmt(value)


class ValueProblem(ValueError):
    """A cell that cannot be a value of its element; the message is for people."""


def parse_number(text: str) -> Decimal:
    """A number typed the Dutch or the English way: ``1.234,5``, ``1234,5``, ``1234.5``,
    ``1 234``. Raises ValueProblem."""
    cleaned = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not _NUMBER.match(cleaned):
        raise ValueProblem(_("“%(value)s” is not a number.") % {"value": text[:40]})
    cleaned = cleaned.replace(" ", "")
    if _AMBIGUOUS.match(cleaned):
        raise ValueProblem(
            _(
                "“%(value)s” is ambiguous: is the point a thousands separator or a decimal "
                "point? Write the number without thousands separators, e.g. %(plain)s."
            )
            % {"value": text[:40], "plain": cleaned.replace(".", "")}
        )
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):  # 1.234,5
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:  # 1,234.5
            cleaned = cleaned.replace(",", "")
    elif cleaned.count(".") > 1:  # 1.234.567
        cleaned = cleaned.replace(".", "")
    elif cleaned.count(",") > 1:  # 1,234,567
        cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueProblem(_("“%(value)s” is not a number.") % {"value": text[:40]}) from exc
    if len(number.as_tuple().digits) > MAX_DIGITS + 4:
        raise ValueProblem(_("“%(value)s” is too long a number.") % {"value": text[:40]})
    return number


def parse_value(raw: object, spec: ElementSpec) -> Decimal | None:
    """The value of one cell for ``spec``: None for an empty cell; raises ValueProblem."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        number = Decimal(int(raw))
    elif isinstance(raw, int | Decimal):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    else:
        text = str(raw).strip()
        if not text:
            return None
        if text.startswith(("=", "+", "@")):
            raise ValueProblem(
                _("“%(value)s” looks like a formula. Type the number itself.")
                % {"value": text[:40]}
            )
        if spec.value_type == ValueType.YES_NO:
            lowered = text.lower()
            if lowered in _YES:
                return Decimal(1)
            if lowered in _NO:
                return Decimal(0)
            raise ValueProblem(_("Fill in ja or nee, not “%(value)s”.") % {"value": text[:40]})
        if spec.value_type == ValueType.PERCENTAGE and text.endswith("%"):
            text = text[:-1].strip()
        number = parse_number(text)
    if not number.is_finite():
        raise ValueProblem(_("“%(value)s” is not a number.") % {"value": str(raw)[:40]})
    if spec.value_type == ValueType.YES_NO and number not in (0, 1):
        raise ValueProblem(_("Fill in ja or nee, not “%(value)s”.") % {"value": _fmt(number)})
    if spec.value_type == ValueType.INTEGER and number != number.to_integral_value():
        raise ValueProblem(
            _("%(value)s is not a whole number. Fill in a count without decimals.")
            % {"value": _fmt(number)}
        )
    if number < 0 and spec.lowest >= 0:
        raise ValueProblem(_("%(value)s is negative. Fill in 0 or more.") % {"value": _fmt(number)})
    if number < spec.lowest:
        raise ValueProblem(
            _("%(value)s is less than the minimum %(low)s.")
            % {"value": _fmt(number), "low": _fmt(spec.lowest)}
        )
    high = spec.highest
    if high is not None and number > high:
        raise ValueProblem(
            _("%(value)s is more than the maximum %(high)s.")
            % {"value": _fmt(number), "high": _fmt(high)}
        )
    if number.as_tuple().exponent < -4:  # type: ignore[operator]
        number = number.quantize(Decimal("0.0001"))
    return number


@dataclass(frozen=True)
class InputRow:
    """One element's value as it arrived: the row in the file (1 = the first row) or the
    position in the API request, the element code, and the raw cell."""

    row: int
    code: str
    raw: object


@dataclass(frozen=True)
class RowError:
    """What is wrong, where: row 0 means the file or request as a whole."""

    row: int
    element: str
    message: str


@dataclass
class Checked:
    """The outcome of validating one delivery: values by code, or errors."""

    values: dict[str, Decimal | None] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_values(definition: Definition, rows: Iterable[InputRow]) -> Checked:
    """Validate every row against the definition: unknown and duplicate elements, each value's
    type and range, required elements, then the comparison rules. Collects every error."""
    result = Checked()
    seen: dict[str, int] = {}
    rows_of: dict[str, int] = {}
    for item in rows:
        code = item.code.strip()
        spec = definition.element(code)
        if spec is None:
            result.errors.append(
                RowError(
                    item.row,
                    code[:50],
                    _("Unknown element “%(code)s”: it is not in this data set (version).")
                    % {"code": code[:50]},
                )
            )
            continue
        if code in seen:
            result.errors.append(
                RowError(
                    item.row,
                    code,
                    _("This element is also on row %(other)s. Give each element once.")
                    % {"other": seen[code]},
                )
            )
            continue
        seen[code] = item.row
        rows_of[code] = item.row
        try:
            result.values[code] = parse_value(item.raw, spec)
        except ValueProblem as problem:
            result.errors.append(RowError(item.row, code, str(problem)))
    failed = {e.element for e in result.errors}
    for spec in definition.elements:
        if spec.code in failed:
            continue
        if result.values.get(spec.code) is None:
            result.values[spec.code] = None
            if spec.required:
                result.errors.append(
                    RowError(
                        rows_of.get(spec.code, 0),
                        spec.code,
                        _("“%(name)s” is required. Fill in a value (0 if there were none).")
                        % {"name": spec.name},
                    )
                )
    for rule in definition.rules:
        left, right = result.values.get(rule.left), result.values.get(rule.right)
        if left is None or right is None or rule.holds(left, right):
            continue
        left_spec, right_spec = definition.element(rule.left), definition.element(rule.right)
        result.errors.append(
            RowError(
                rows_of.get(rule.left, 0),
                rule.left,
                _("“%(left)s” (%(left_value)s) must be %(operator)s “%(right)s” (%(right_value)s).")
                % {
                    "left": left_spec.name if left_spec else rule.left,
                    "left_value": _fmt(left),
                    "operator": Operator(rule.operator).label,
                    "right": right_spec.name if right_spec else rule.right,
                    "right_value": _fmt(right),
                },
            )
        )
    result.errors.sort(key=lambda e: (e.row == 0, e.row))
    return result
