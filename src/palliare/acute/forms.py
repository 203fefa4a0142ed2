"""Forms of the acute view, emergency access and the review queue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palliare.organizations.validators import validate_postcode
from palliare.patients.fields import BsnField
from palliare.ui.forms import DateInput

from .constants import EmergencyReason, ReviewConclusion


class AcuteSearchForm(forms.Form):
    """Find one patient: by BSN, or by family name + date of birth (+ postcode)."""

    bsn = BsnField(required=False)
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=120)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=7,
        help_text=_("Needed when more patients have this name and date of birth."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bsn"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["bsn"].help_text = _("9 digits. Or search by name and date of birth below.")

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data.get("postcode", "").strip()
        if value and not (len(value) == 4 and value.isdigit()):
            validate_postcode(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("bsn") or self.errors.get("bsn"):
            return data
        if not data.get("family_name") or not data.get("date_of_birth"):
            raise forms.ValidationError(
                _("Enter the BSN, or the family name and the date of birth.")
            )
        return data


class EmergencyAccessForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Why do you need the plan now?"),
        choices=EmergencyReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason.")},
    )
    reason = forms.CharField(
        label=_("Explanation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        min_length=10,
        max_length=1000,
        help_text=_("In a sentence: the situation and why the plan is needed."),
        error_messages={
            "required": _("Explain in a sentence why you need the plan now."),
            "min_length": _(
                "Explain in a sentence why you need the plan now (at least 10 characters)."
            ),
        },
    )
    understood = forms.BooleanField(
        label=_(
            "I understand that this access is logged with my reason and reviewed by the "
            "privacy officer."
        ),
        error_messages={"required": _("Confirm that you understand this access is reviewed.")},
    )


class ReviewForm(forms.Form):
    conclusion = forms.ChoiceField(
        label=_("Conclusion"), choices=ReviewConclusion.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required unless the access was justified."),
    )
