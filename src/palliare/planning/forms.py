"""Forms of the planning pages. The parameter form is derived from ``parameters.PARAMETERS``:
a value and a source per parameter, each value checked against its bounds with a message that
names the parameter."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from palliare.organizations.models import Organization, Region, Subregion

from .models import Scenario, Specialist
from .parameters import PARAMETERS, Parameter, parse_number


def _number(value: Decimal, decimals: int) -> str:
    return number_format(value, decimals if value % 1 else 0, use_l10n=True)


def source_field(key: str) -> str:
    return f"{key}__source"


class ParametersForm(forms.Form):
    """Every parameter of a scenario with its source; saving makes a new version."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_note = forms.CharField(
        label=_("What changed and why"),
        max_length=500,
        required=False,
        help_text=_("For example: the steering group's decision of 12 March."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for p in PARAMETERS:
            described = {"aria-describedby": f"id_{p.key}_help"}
            if p.is_choice:
                self.fields[p.key] = forms.ChoiceField(
                    label=str(p.label), choices=p.choices, widget=forms.Select(attrs=described)
                )
            else:
                self.fields[p.key] = forms.CharField(
                    label=str(p.label),
                    max_length=20,
                    widget=forms.TextInput(attrs={**described, "inputmode": "decimal"}),
                    error_messages={"required": _("Enter a value.")},
                )
            self.fields[source_field(p.key)] = forms.CharField(
                label=_("Source of “%(name)s”") % {"name": p.label},
                max_length=300,
                error_messages={"required": _("Say where this value comes from.")},
            )

    @staticmethod
    def initial_for(
        values: dict[str, str], sources: dict[str, str], version: int
    ) -> dict[str, Any]:
        initial: dict[str, Any] = {"based_on": version}
        for p in PARAMETERS:
            raw = values.get(p.key, "")
            number = None if p.is_choice else parse_number(str(raw))
            initial[p.key] = _number(number, p.decimals) if number is not None else raw
            initial[source_field(p.key)] = sources.get(p.key, "")
        return initial

    def _check(self, p: Parameter, raw: str) -> str | None:
        value = parse_number(raw)
        if value is None:
            self.add_error(p.key, _("Enter a number, for example 12 or 1,5."))
            return None
        low, high = p.bounds()
        too_low = value <= low if p.minimum_exclusive else value < low
        if too_low or value > high:
            if p.minimum_exclusive:
                message = _("%(name)s must be more than %(low)s and at most %(high)s.")
            else:
                message = _("%(name)s must be between %(low)s and %(high)s.")
            self.add_error(
                p.key,
                message
                % {
                    "name": p.label,
                    "low": _number(low, p.decimals),
                    "high": _number(high, p.decimals),
                },
            )
            return None
        if p.decimals == 0 and value % 1:
            self.add_error(p.key, _("Enter a whole year, for example 2026."))
            return None
        return str(value.quantize(Decimal(1).scaleb(-p.decimals)))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for p in PARAMETERS:
            if p.is_choice or p.key not in data:
                continue
            checked = self._check(p, str(data[p.key]))
            if checked is not None:
                data[p.key] = checked
        first, last = data.get("trend_first_year"), data.get("trend_last_year")
        if first and last and int(last) - int(first) < 2:
            self.add_error(
                "trend_last_year",
                _(
                    "The trend needs at least three years: the last year must be two or more "
                    "years after the first."
                ),
            )
        return data

    def parameter_values(self) -> tuple[dict[str, str], dict[str, str]]:
        values = {p.key: str(self.cleaned_data[p.key]) for p in PARAMETERS}
        sources = {p.key: self.cleaned_data[source_field(p.key)] for p in PARAMETERS}
        return values, sources


class NewScenarioForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    copy_from = forms.ModelChoiceField(
        label=_("Start from"),
        queryset=Scenario.objects.none(),
        required=False,
        empty_label=_("the default assumptions"),
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["copy_from"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Scenario.objects.filter(region=region, current__isnull=False)


class SpecialistForm(forms.ModelForm[Specialist]):
    class Meta:
        model = Specialist
        fields = [
            "name",
            "qualification",
            "subregion",
            "organization",
            "expected_departure_year",
            "is_active",
        ]

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["subregion"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Subregion.objects.filter(region=region).order_by("name")
        field.empty_label = str(_("region-wide"))
        organization = self.fields["organization"]
        assert isinstance(organization, forms.ModelChoiceField)
        organization.queryset = Organization.objects.filter(is_active=True).order_by("name")
        year = self.fields["expected_departure_year"]
        year.error_messages["min_value"] = _("Enter a year from 2000.")
        year.error_messages["max_value"] = _("Enter a year up to 2100.")
        year.error_messages["invalid"] = _("Enter a year, for example 2031.")
