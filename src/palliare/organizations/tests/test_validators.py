"""Dutch identifiers and postcodes are validated with clear messages in the user's language."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from palliare.organizations.validators import (
    normalize_postcode,
    validate_agb_code,
    validate_big_number,
    validate_pc4,
    validate_phone,
    validate_postcode,
)


@pytest.mark.parametrize("value", ["01234567", "12345678"])
def test_valid_agb(value):
    validate_agb_code(value)


@pytest.mark.parametrize("value", ["1234567", "123456789", "1234567a", "", "12 345678"])
def test_invalid_agb_message_in_dutch(value):
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        validate_agb_code(value)
    with translation.override("nl"):
        assert "precies 8 cijfers" in exc.value.messages[0]


def test_invalid_agb_message_in_english():
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            validate_agb_code("123")
        assert "exactly 8 digits" in exc.value.messages[0]


@pytest.mark.parametrize("value", ["1234567890", "123456789012", "abcdefghijk"])
def test_invalid_big(value):
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        validate_big_number(value)
    assert "11 cijfers" in exc.value.messages[0]


def test_valid_big():
    validate_big_number("19012345601")


@pytest.mark.parametrize("value", ["9401 AB", "9401ab", "9401  AB", "1011 CD"])
def test_valid_postcodes(value):
    validate_postcode(value)


@pytest.mark.parametrize("value", ["0401 AB", "9401 SS", "9401 SA", "94011", "ABCD EF", "9401"])
def test_invalid_postcodes(value):
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        validate_postcode(value)
    assert "vier cijfers en twee letters" in exc.value.messages[0]


def test_normalize_postcode():
    assert normalize_postcode(" 9401ab ") == "9401 AB"


@pytest.mark.parametrize("value", ["0123", "123", "12345", "abcd"])
def test_invalid_pc4(value):
    with pytest.raises(ValidationError):
        validate_pc4(value)


def test_phone():
    validate_phone("0592 123 456")
    validate_phone("+31 (0)592-123456")
    with pytest.raises(ValidationError):
        validate_phone("call me")
