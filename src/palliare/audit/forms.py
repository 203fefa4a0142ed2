"""The privacy officer's lookup of the patient whose access report to produce."""

from __future__ import annotations

from typing import Any

from django import forms

from . import report


class ReportFindForm(forms.Form):
    """One field, the patient's identifier, as the register defines it (a BSN)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bsn"] = report.subjects().find_field()
