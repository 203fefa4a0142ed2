"""Profile rules (filled in below)."""

from __future__ import annotations

from typing import Any


def check_rules(data: dict[str, Any]) -> None:
    return None
