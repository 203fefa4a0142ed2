"""Validation of the citizen service number (BSN) with the 11-test."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def is_valid_bsn(value: str) -> bool:
    """A BSN has 9 digits; 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11 and not 0."""
    if not re.fullmatch(r"\d{9}", value or ""):
        return False
    digits = [int(c) for c in value]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0 and total != 0


def normalize_bsn(value: str) -> str:
    """Strip spaces and dots; pad 8-digit numbers with a leading zero (as they are issued)."""
    compact = re.sub(r"[\s.]", "", value or "")
    if re.fullmatch(r"\d{8}", compact):
        compact = "0" + compact
    return compact


def validate_bsn(value: str) -> None:
    if not re.fullmatch(r"\d{9}", value or ""):
        raise ValidationError(
            _("A BSN consists of 9 digits, for example 123456782."), code="bsn_format"
        )
    if not is_valid_bsn(value):
        raise ValidationError(
            _("This is not a valid BSN (it fails the 11-test). Check the number."),
            code="bsn_checksum",
        )


def make_bsn(number: int) -> str:
    """A valid (11-test) BSN derived from ``number`` — for fictional test and demo data.

    The first eight digits come from ``number``; the ninth is the check digit. Numbers whose
    check digit would be 10 are skipped by moving to the next number.
    """
    while True:
        head = f"{number % 100_000_000:08d}"
        total = sum(int(d) * w for d, w in zip(head, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10 and (total - check) != 0:
            return head + str(check)
        number += 1
