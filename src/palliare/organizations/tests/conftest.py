"""Fixtures of the directory's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture
def english() -> Iterator[None]:
    """Service messages in English (the interface default is Dutch)."""
    with translation.override("en"):
        yield
