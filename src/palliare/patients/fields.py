"""Form fields for patient identifiers that other apps' forms use too (the acute search)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .validators import normalize_bsn, validate_bsn


class BsnField(forms.CharField):
    """A BSN: 9 digits passing the eleven test; spaces and dots are removed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("BSN"),
            max_length=12,
            validators=[validate_bsn],
            help_text=_("Citizen service number: 9 digits."),
            **kwargs,
        )

    def to_python(self, value: Any) -> str:
        return normalize_bsn(super().to_python(value) or "")
