"""Forms of the rota, "who do I call now?" and consultation requests. Bad input becomes a form
error in the user's language, never an exception."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from palliare.accounts.permissions import RoleCode
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Organization, Professional, Region, Subregion
from palliare.patients.models import Patient
from palliare.ui.forms import DateInput, parse_id

from . import services
from .constants import (
    ALL_WEEKDAYS_MASK,
    HOLIDAY_BIT,
    AgeGroup,
    DiagnosisGroup,
    Dimension,
    SlotKind,
    Urgency,
    Weekday,
)
from .models import DatedSlot, Slot, WeeklySlot

HOLIDAY_CHOICE = "holidays"
QUESTION_MAX_LENGTH = 4000
#: "Who do I call?" answers for moments up to this far back or ahead (the rota's horizon).
WHO_TO_CALL_WINDOW = dt.timedelta(days=366)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, widget=DateInput(), input_formats=["%Y-%m-%d", "%d-%m-%Y"], **kwargs
    )


def _time_field(label: Any, **kwargs: Any) -> forms.TimeField:
    return forms.TimeField(label=label, widget=TimeInput(), input_formats=["%H:%M"], **kwargs)


# --- "who do I call now?" ----------------------------------------------------------------


class WhoToCallForm(forms.Form):
    postcode = forms.CharField(
        label=_("Postcode of the patient"),
        max_length=10,
        help_text=_("Four digits are enough, for example 9401."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date = _date_field(_("Date"), required=False, help_text=_("Empty: today."))
    time = _time_field(_("Time"), required=False, help_text=_("Empty: now."))

    def clean_postcode(self) -> str:
        pc4 = services.parse_pc4(self.cleaned_data["postcode"])
        if pc4 is None:
            raise ValidationError(
                _("Enter the four digits of a Dutch postcode, for example 9401."),
                code="invalid_pc4",
            )
        return pc4

    def clean_date(self) -> dt.date | None:
        date: dt.date | None = self.cleaned_data.get("date")
        if date is not None and abs(date - timezone.localdate()) > WHO_TO_CALL_WINDOW:
            raise ValidationError(
                _("Choose a date within a year from today."), code="date_out_of_range"
            )
        return date

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.has_error("date"):
            return data
        now = timezone.localtime()
        date = data.get("date") or now.date()
        time = data.get("time") or now.time().replace(second=0, microsecond=0)
        if data.get("date") is None and data.get("time") is None:
            data["moment"] = timezone.now()
        else:
            data["moment"] = timezone.make_aware(
                dt.datetime.combine(date, time), timezone.get_default_timezone()
            )
        return data


# --- the rota ----------------------------------------------------------------------------


def _scope_choices() -> list[tuple[str, Any]]:
    groups: list[tuple[str, Any]] = []
    for region in Region.objects.prefetch_related("subregions").order_by("name"):
        options: list[tuple[str, str]] = [
            (f"r{region.pk}", str(_("Whole region: %(name)s") % {"name": region.name}))
        ]
        options += [(f"s{sub.pk}", sub.name) for sub in region.subregions.all()]
        groups.append((region.name, options))
    return groups


class SpecialistChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Professional) -> str:
        return f"{obj.full_name} ({obj.get_discipline_display()})"


class SlotForm(forms.ModelForm):  # type: ignore[type-arg]
    """What weekly and dated slots share; ``scope`` stands for region + subregion."""

    scope = forms.ChoiceField(
        label=_("Covers"),
        help_text=_("Office hours are per subregion; out of hours usually the whole region."),
    )
    team = forms.ModelChoiceField(
        label=_("Consultation team"),
        queryset=Organization.objects.active()
        .filter(type=OrganizationType.CONSULTATION_TEAM)
        .order_by("name"),
    )
    specialist = SpecialistChoiceField(
        label=_("Specialist on duty"),
        required=False,
        empty_label=_("Not named (the team's number)"),
        help_text=_("Optional. Must be a member of the chosen team."),
        queryset=Professional.objects.filter(
            is_active=True,
            memberships__organization__type=OrganizationType.CONSULTATION_TEAM,
            memberships__role__code=RoleCode.PALLIATIVE_SPECIALIST,
        )
        .distinct()
        .order_by("family_name", "given_name"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = _scope_choices()  # type: ignore[attr-defined]
        kind = self.fields["kind"]
        kind.widget = forms.RadioSelect()
        kind.choices = SlotKind.choices  # type: ignore[attr-defined]
        self.fields["start_time"] = _time_field(_("From"))
        self.fields["end_time"] = _time_field(
            _("Until"), help_text=_("00:00 means midnight (end of the day).")
        )
        instance: Slot = self.instance
        if instance.pk is not None and instance.region_id is not None:
            self.initial["scope"] = (
                f"s{instance.subregion_id}" if instance.subregion_id else f"r{instance.region_id}"
            )

    def clean_scope(self) -> tuple[Region, Subregion | None]:
        value: str = self.cleaned_data["scope"]
        prefix, pk = value[:1], parse_id(value[1:])
        if prefix == "s" and pk is not None:
            sub = Subregion.objects.select_related("region").filter(pk=pk).first()
            if sub is not None:
                return sub.region, sub
        elif prefix == "r" and pk is not None:
            region = Region.objects.filter(pk=pk).first()
            if region is not None:
                return region, None
        raise ValidationError(_("Choose a subregion or the whole region."), code="invalid_scope")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        scope = data.get("scope")
        if scope is not None:
            self.instance.region, self.instance.subregion = scope
        return data

    def _update_errors(self, errors: ValidationError) -> None:
        # Model validation speaks of region/subregion; the form has one "scope" field.
        if hasattr(errors, "error_dict"):
            for name in ("region", "subregion"):
                if name in errors.error_dict:
                    errors.error_dict.setdefault("scope", []).extend(errors.error_dict.pop(name))
        super()._update_errors(errors)  # type: ignore[misc]


class WeeklySlotForm(SlotForm):
    days = forms.MultipleChoiceField(
        label=_("Days"),
        widget=forms.CheckboxSelectMultiple,
        choices=[
            *((str(d.value), d.label) for d in Weekday),
            (HOLIDAY_CHOICE, _("Public holidays")),
        ],
        help_text=_(
            "On a public holiday only slots that include public holidays apply; public "
            "holidays count as out of hours."
        ),
    )
    valid_from = _date_field(_("Valid from"), required=False, help_text=_("Empty: already valid."))
    valid_until = _date_field(_("Valid until"), required=False, help_text=_("Empty: no end."))

    class Meta:
        model = WeeklySlot
        fields = [
            "scope",
            "kind",
            "days",
            "start_time",
            "end_time",
            "team",
            "specialist",
            "phone",
            "valid_from",
            "valid_until",
            "note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            mask = self.instance.days
            chosen = [str(d) for d in range(7) if mask & (1 << d)]
            if mask & HOLIDAY_BIT:
                chosen.append(HOLIDAY_CHOICE)
            self.initial["days"] = chosen

    def clean_days(self) -> int:
        mask = 0
        for value in self.cleaned_data["days"]:
            mask |= HOLIDAY_BIT if value == HOLIDAY_CHOICE else 1 << int(value)
        if not mask & (ALL_WEEKDAYS_MASK | HOLIDAY_BIT):
            raise ValidationError(_("Choose at least one day."), code="no_days")
        return mask

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date lies before the start date."))
        return data


class DatedSlotForm(SlotForm):
    date = _date_field(_("Date"))

    class Meta:
        model = DatedSlot
        fields = [
            "scope",
            "kind",
            "date",
            "start_time",
            "end_time",
            "team",
            "specialist",
            "phone",
            "note",
        ]

    def clean_date(self) -> dt.date:
        date: dt.date = self.cleaned_data["date"]
        if date < timezone.localdate():
            raise ValidationError(_("The date lies in the past."), code="past_date")
        return date

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        date, kind = data.get("date"), data.get("kind")
        if date is not None and kind == SlotKind.OFFICE_HOURS:
            name = services.holiday_calendar().holiday_name(date)
            if name:
                self.add_error(
                    "kind",
                    ValidationError(
                        _(
                            "%(date)s is a public holiday (%(name)s). Public holidays count "
                            "as out of hours."
                        ),
                        params={"date": date_format(date, "DATE_FORMAT"), "name": name},
                        code="holiday_office_hours",
                    ),
                )
        return data


# --- consultation requests ---------------------------------------------------------------


class ConsultationRequestForm(forms.Form):
    subregion = forms.ModelChoiceField(
        label=_("Subregion where the patient lives"),
        queryset=Subregion.objects.select_related("region").order_by("name"),
        help_text=_("The request goes to the consultation team on duty there now."),
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"), choices=Urgency.choices, widget=forms.RadioSelect
    )
    dimension = forms.ChoiceField(
        label=_("What is the question mainly about?"),
        choices=Dimension.choices,
        widget=forms.RadioSelect,
    )
    age_group = forms.ChoiceField(label=_("Age group"), choices=[("", "—"), *AgeGroup.choices])
    diagnosis_group = forms.ChoiceField(
        label=_("Diagnosis group"), choices=[("", "—"), *DiagnosisGroup.choices]
    )
    question = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Anonymous case: do not write a name, citizen service number, date of birth or address."
        ),
    )
    callback_phone = forms.CharField(
        label=_("Call me back on"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, patient: Patient | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        if patient is not None:
            # The age group follows from the patient; the question may name the patient.
            del self.fields["age_group"]
            self.fields["question"].help_text = _(
                "The team on duty sees this patient's record while the request is open."
            )

    def clean_callback_phone(self) -> str:
        from palliare.organizations.validators import validate_phone

        value: str = self.cleaned_data["callback_phone"].strip()
        if value:
            validate_phone(value)
        return value

    def clean_question(self) -> str:
        value: str = self.cleaned_data["question"].strip()
        if not value:
            raise ValidationError(_("Write your question."), code="required")
        return value


class AdviceForm(forms.Form):
    text = forms.CharField(
        label=_("Advice"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Recording advice again adds a new version; earlier versions stay visible."),
    )
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_text(self) -> str:
        value: str = self.cleaned_data["text"].strip()
        if not value:
            raise ValidationError(_("Write the advice."), code="required")
        return value
