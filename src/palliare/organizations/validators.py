"""Validators for Dutch institutional identifiers and postcodes, with messages in the user's
language."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_AGB = re.compile(r"^\d{8}$")
_BIG = re.compile(r"^\d{11}$")
_PC4 = re.compile(r"^[1-9]\d{3}$")
_POSTCODE = re.compile(r"^([1-9]\d{3}) ?([A-Z]{2})$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{8,20}$")
#: A postcode as people type it: "9401", "9401 AB", "9401ab" (search input, not storage).
_POSTCODE_INPUT = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})?\s*$")


def parse_pc4(text: str) -> str | None:
    """The four digits of a Dutch postcode as typed ("9401", "9401 AB", "9401ab"), or None."""
    match = _POSTCODE_INPUT.match(text or "")
    return match.group(1) if match else None


def validate_agb_code(value: str) -> None:
    """An AGB code (Vektis) is exactly 8 digits."""
    if not _AGB.match(value or ""):
        raise ValidationError(
            _("An AGB code consists of exactly 8 digits, for example 01234567."),
            code="invalid_agb_code",
        )


def validate_big_number(value: str) -> None:
    """A BIG number (BIG register) is exactly 11 digits."""
    if not _BIG.match(value or ""):
        raise ValidationError(
            _("A BIG number consists of exactly 11 digits, for example 19012345601."),
            code="invalid_big_number",
        )


def validate_pc4(value: str) -> None:
    """A four-digit Dutch postcode area (PC4), 1000–9999."""
    if not _PC4.match(value or ""):
        raise ValidationError(
            _("Enter the four digits of a Dutch postcode, for example 9401."),
            code="invalid_pc4",
        )


def normalize_postcode(value: str) -> str:
    """'9401ab' → '9401 AB'. Leaves unrecognisable input unchanged for the validator to reject."""
    compact = re.sub(r"\s+", "", value or "").upper()
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else value


def validate_postcode(value: str) -> None:
    """A full Dutch postcode: four digits (not starting with 0) and two letters.

    The letter pairs SA, SD and SS are never issued.
    """
    match = _POSTCODE.match(normalize_postcode(value))
    if not match or match.group(2) in {"SA", "SD", "SS"}:
        raise ValidationError(
            _("Enter a Dutch postcode: four digits and two letters, for example 9401 AB."),
            code="invalid_postcode",
        )


def validate_phone(value: str) -> None:
    if not _PHONE.match(value or ""):
        raise ValidationError(
            _("Enter a phone number of 8 to 20 digits, for example 0592 123 456."),
            code="invalid_phone",
        )
