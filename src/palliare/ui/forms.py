"""Form helpers shared by every app: one accessible field layout, the date widget, turning a
service's ValidationError into form errors, and reading an id from a query string."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates

#: The largest database id (BigAutoField).
MAX_ID = 2**63 - 1


class FormRenderer(DjangoTemplates):
    """Renders fields with label, help text and errors linked by aria-describedby."""

    form_template_name = "ui/forms/form.html"
    field_template_name = "ui/forms/field.html"


class DateInput(forms.DateInput):
    """The browser's date picker; the value is sent as ISO date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form (field errors where the field exists)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def parse_id(value: object, maximum: int = MAX_ID) -> int | None:
    """``value`` (from the query string or a form) as a number in 1..maximum, else None.

    Only ASCII digits count: ``str.isdigit`` also accepts "²", which ``int`` refuses, and a
    number too large for the database must not reach a query."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None
