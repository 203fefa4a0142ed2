"""Every factory's sequences fit their columns however long the test run.

SQLite does not enforce ``max_length``; PostgreSQL does. A sequence such as ``GM{9000 + n}``
passes a short local run and fails in CI once a thousand municipalities have been made in one
process. This test evaluates every ``factory.Sequence`` of every model factory at large counters
and checks the value against the field it fills.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import factory
import pytest
from django.db import models

import palliare

COUNTERS = (0, 1, 999, 1_000, 9_999, 12_345, 99_999, 1_234_567)


def _model_factories() -> Iterator[type[factory.django.DjangoModelFactory]]:
    seen: set[type] = set()
    for info in pkgutil.iter_modules(palliare.__path__):
        try:
            module = importlib.import_module(f"palliare.{info.name}.factories")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, factory.django.DjangoModelFactory)
                and value._meta.model is not None
                and value not in seen
            ):
                seen.add(value)
                yield value


def _sequence_fields() -> list[tuple[str, str, factory.Sequence, models.Field]]:
    cases = []
    for factory_class in _model_factories():
        model = factory_class._meta.model
        for name, declaration in factory_class._meta.declarations.items():
            if not isinstance(declaration, factory.Sequence):
                continue
            if name not in {field.name for field in model._meta.get_fields()}:
                continue  # a declaration that fills no model field
            field = model._meta.get_field(name)
            cases.append((factory_class.__name__, name, declaration, field))
    return cases


CASES = _sequence_fields()


def test_the_walk_finds_the_sequences() -> None:
    names = {(factory_name, name) for factory_name, name, _, _ in CASES}
    assert ("MunicipalityFactory", "gm_code") in names
    assert len(CASES) >= 10


@pytest.mark.parametrize(
    ("factory_name", "name", "declaration", "field"),
    CASES,
    ids=[f"{case[0]}.{case[1]}" for case in CASES],
)
def test_sequence_values_fit_their_column(
    factory_name: str, name: str, declaration: factory.Sequence, field: models.Field
) -> None:
    max_length = getattr(field, "max_length", None)
    if not max_length:
        return
    for counter in COUNTERS:
        value = declaration.function(counter)
        assert len(str(value)) <= max_length, (
            f"{factory_name}.{name} at sequence {counter} gives {value!r}, "
            f"longer than the column's {max_length} characters"
        )
