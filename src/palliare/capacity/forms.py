"""Forms of capacity: bed status, +/- buttons, search near a postcode, district-nursing intake
and service area, quality requirements and assessments."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from palliare.organizations.models import Municipality, PostcodeArea

from .constants import (
    MAX_BEDS,
    MAX_WAITING_LIST,
    AdmissionStatus,
    FacilityKind,
    IntakeStatus,
)
from .models import QualityRequirement
from .quality import default_valid_until
from .search import UnknownPostcodeError, resolve_postcode

DISTRICT_NURSING = "district_nursing"


def _count_field(
    label: str | StrPromise, *, maximum: int, help_text: str | StrPromise = ""
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=maximum,
        help_text=help_text,
        error_messages={
            "min_value": _("This number cannot be negative."),
            "max_value": _("This number cannot be higher than %(limit_value)s."),
            "invalid": _("Enter a whole number."),
            "required": _("Fill in a number (0 if none)."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )


class BedStatusForm(forms.Form):
    """The full report: beds, free beds, admission status, waiting list and a note."""

    free_beds = _count_field(_("Free beds now"), maximum=MAX_BEDS)
    beds = _count_field(
        _("Beds in total"),
        maximum=MAX_BEDS,
        help_text=_("All beds for palliative care, occupied or not."),
    )
    admission_status = forms.ChoiceField(
        label=_("Admissions"),
        choices=AdmissionStatus.choices,
        widget=forms.RadioSelect,
    )
    waiting_list = _count_field(_("People on the waiting list"), maximum=MAX_WAITING_LIST)
    note = forms.CharField(
        label=_("Note for referrers"),
        required=False,
        max_length=500,
        help_text=_("For example: “from Monday one more bed”. Never write patient data here."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        beds, free = data.get("beds"), data.get("free_beds")
        if beds is not None and free is not None and free > beds:
            self.add_error(
                "free_beds",
                _("There cannot be more free beds (%(free)s) than beds (%(beds)s).")
                % {"free": free, "beds": beds},
            )
        return data


class AdjustForm(forms.Form):
    """One of the quick buttons on the start page."""

    action = forms.ChoiceField(choices=[("plus", "+"), ("minus", "-"), ("confirm", "=")])


class SearchForm(forms.Form):
    """Search near a postcode."""

    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        help_text=_("Four digits, for example 9401 (or a full postcode)."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "input--short"}),
    )
    type = forms.ChoiceField(
        label=_("What are you looking for?"),
        required=False,
        choices=[
            ("", _("Beds and district nursing")),
            *FacilityKind.choices,
            (DISTRICT_NURSING, _("District nursing")),
        ],
    )
    show_all = forms.BooleanField(
        label=_("Also show places without room or that do not meet the requirements"),
        required=False,
    )

    def clean_postcode(self) -> PostcodeArea:
        try:
            return resolve_postcode(self.cleaned_data["postcode"])
        except UnknownPostcodeError as exc:
            raise ValidationError(str(exc), code="unknown_postcode") from exc


class IntakeForm(forms.Form):
    """Does the organisation take new palliative clients?"""

    status = forms.ChoiceField(
        label=_("New palliative clients"), choices=IntakeStatus.choices, widget=forms.RadioSelect
    )
    effective_date = forms.DateField(
        label=_("As of"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note for referrers"),
        required=False,
        max_length=500,
        help_text=_("For example: “only in Assen-Oost this week”. Never write patient data here."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_effective_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["effective_date"]
        today = timezone.localdate()
        if day > today:
            raise ValidationError(_("The date cannot lie in the future."))
        if day < today - dt.timedelta(days=366):
            raise ValidationError(_("The date lies more than a year ago."))
        return day


_PC4_SPLIT = re.compile(r"[\s,;]+")


class ServiceAreaForm(forms.Form):
    """Where a district-nursing organisation works."""

    municipalities = forms.ModelMultipleChoiceField(
        label=_("Whole municipalities"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    postcodes = forms.CharField(
        label=_("Separate postcode areas"),
        required=False,
        max_length=4000,
        help_text=_("Four digits each, separated by commas or spaces, for example 9401, 9402."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    referral_phone = forms.CharField(
        label=_("Phone for referrals"),
        required=False,
        max_length=20,
        help_text=_("Leave empty to use the organisation's phone number."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = Municipality.objects.filter(subregion__isnull=False)
        field = self.fields["municipalities"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = (region if region.exists() else Municipality.objects.all()).order_by(
            "name"
        )

    def clean_postcodes(self) -> list[PostcodeArea]:
        codes = [c for c in _PC4_SPLIT.split(self.cleaned_data["postcodes"].strip()) if c]
        malformed = [c for c in codes if not re.fullmatch(r"[1-9][0-9]{3}", c)]
        if malformed:
            raise ValidationError(
                _("Not a postcode area of four digits: %(codes)s.")
                % {"codes": ", ".join(malformed[:10])}
            )
        areas = {a.pk: a for a in PostcodeArea.objects.filter(pk__in=codes)}
        unknown = [c for c in codes if c not in areas]
        if unknown:
            raise ValidationError(
                _("Unknown postcode areas: %(codes)s.") % {"codes": ", ".join(unknown[:10])}
            )
        return list(areas.values())

    def clean_referral_phone(self) -> str:
        from palliare.organizations.validators import validate_phone

        value: str = self.cleaned_data["referral_phone"].strip()
        if value:
            validate_phone(value)
        return value


class RequirementForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = QualityRequirement
        fields = ["title", "code", "description", "evidence_hint", "order", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AssessmentForm(forms.Form):
    """An assessment against every requirement in use: met or not, and the evidence seen."""

    assessed_on = forms.DateField(
        label=_("Assessment date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty for two years."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    assessor = forms.CharField(label=_("Assessed by"), max_length=200)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, requirements: list[QualityRequirement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requirements = requirements
        for requirement in requirements:
            self.fields[f"met_{requirement.pk}"] = forms.BooleanField(
                label=_("Met"), required=False
            )
            self.fields[f"evidence_{requirement.pk}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                max_length=2000,
                # Text from the database, typed by a coordinator: escaped, never markup.
                help_text=conditional_escape(requirement.evidence_hint),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[QualityRequirement, forms.BoundField, forms.BoundField]]:
        return [(r, self[f"met_{r.pk}"], self[f"evidence_{r.pk}"]) for r in self.requirements]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for requirement in self.requirements:
            if (
                data.get(f"met_{requirement.pk}")
                and not (data.get(f"evidence_{requirement.pk}") or "").strip()
            ):
                self.add_error(
                    f"evidence_{requirement.pk}",
                    _("Describe the evidence for a requirement that is met."),
                )
        assessed_on, valid_until = data.get("assessed_on"), data.get("valid_until")
        if assessed_on and assessed_on > timezone.localdate():
            self.add_error("assessed_on", _("The assessment date cannot lie in the future."))
        if assessed_on and valid_until and valid_until <= assessed_on:
            self.add_error(
                "valid_until", _("The end of validity must lie after the assessment date.")
            )
        # Only from an accepted date: a rejected one (9999-01-01) may have no date two years on.
        if (
            assessed_on
            and not valid_until
            and not self.has_error("assessed_on")
            and not self.has_error("valid_until")
        ):
            data["valid_until"] = default_valid_until(assessed_on)
        return data
