"""Forms of core teams and meetings. Validation messages are in the user's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.organizations.models import Organization, Professional
from palliare.patients.constants import CareTeamRole, Dimension, PlaceOfDeath, YesNoUnknown
from palliare.ui.forms import DateInput

from . import agenda
from .constants import OTHER_SECTION, AttendanceMode, MeetingKind
from .validators import validate_meeting_start


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ProfessionalChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Professionals labelled with their discipline, so namesakes can be told apart."""

    def label_from_instance(self, obj: Professional) -> str:
        return f"{obj.full_name} · {obj.get_discipline_display()}"


class CoreTeamForm(forms.Form):
    name = forms.CharField(label=_("Name of the core team"), max_length=200)
    coordinator = ProfessionalChoiceField(
        label=_("Coordinator"),
        required=False,
        queryset=Professional.objects.none(),
        help_text=_("Usually the core-team coordinator of the GP practice."),
    )
    default_kind = forms.ChoiceField(label=_("Usual kind of meeting"), choices=MeetingKind.choices)
    default_location = forms.CharField(label=_("Usual place"), max_length=200, required=False)
    default_online_url = forms.URLField(
        label=_("Usual online link"), required=False, assume_scheme="https"
    )
    default_duration_minutes = forms.IntegerField(
        label=_("Usual duration (minutes)"), min_value=10, max_value=480, initial=60
    )

    def __init__(self, *args: Any, coordinators: QuerySet[Professional], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = coordinators  # type: ignore[attr-defined]


class CoreTeamMemberForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.active()
    )
    professional = ProfessionalChoiceField(
        label=_("Professional (optional)"),
        required=False,
        queryset=Professional.objects.filter(is_active=True),
        help_text=_("Leave empty to make the whole organisation a member."),
    )
    role = forms.ChoiceField(label=_("Role in the core team"), choices=CareTeamRole.choices)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
        validators=[validate_meeting_start],
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=10, max_value=480
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("For attendees who join remotely (video call)."),
    )
    note = forms.CharField(
        label=_("Note for the attendees (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in the invitation. Do not write patient details here."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("location") and not data.get("online_url") and not self.errors:
            raise forms.ValidationError(_("Give a place, an online link, or both."))
        return data


class CancelMeetingForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)


class AttendeeForm(forms.Form):
    professional = ProfessionalChoiceField(
        label=_("Professional"),
        required=False,
        queryset=Professional.objects.filter(is_active=True),
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organization.objects.active(),
        help_text=_("The organisation the professional comes for, or a whole organisation."),
    )
    mode = forms.ChoiceField(
        label=_("Joins"),
        choices=AttendanceMode.choices,
        initial=AttendanceMode.IN_PERSON,
        widget=forms.RadioSelect,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("professional") and not data.get("organization") and not self.errors:
            raise forms.ValidationError(_("Choose a professional or an organisation."))
        return data


class AddPatientForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"), initial=OTHER_SECTION)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = agenda.section_choices()  # type: ignore[attr-defined]


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or BSN"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


def _text(label: Any, rows: int = 3, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class MinutesForm(forms.Form):
    """The minutes about one patient: the four dimensions and the decisions; for a patient who
    died, the after-death analysis."""

    physical = _text(Dimension.PHYSICAL.label)
    psychological = _text(Dimension.PSYCHOLOGICAL.label)
    social = _text(Dimension.SOCIAL.label)
    spiritual = _text(Dimension.SPIRITUAL.label)
    decisions = _text(_("Decisions"), 3)
    review_went_well = _text(_("What went well?"))
    review_to_improve = _text(_("What could have gone better?"))
    review_preferred_place = forms.ChoiceField(
        label=_("Preferred place of death, as the team knew it"),
        choices=[("", "—"), *PlaceOfDeath.choices],
        required=False,
    )
    review_place_matched = forms.ChoiceField(
        label=_("Did the patient die at the preferred place?"),
        choices=[("", "—"), *YesNoUnknown.choices],
        required=False,
    )
    review_place_comment = _text(_("Place of death compared to the wish"), 2)
    review_lessons = _text(_("Lessons for the team"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    REVIEW = (
        "review_went_well",
        "review_to_improve",
        "review_preferred_place",
        "review_place_matched",
        "review_place_comment",
        "review_lessons",
    )

    def __init__(self, *args: Any, after_death: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not after_death:
            for name in self.REVIEW:
                del self.fields[name]

    def dimension_fields(self) -> list[forms.BoundField]:
        return [self[d.value] for d in Dimension]

    def review_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.REVIEW if name in self.fields]


class ActionItemForm(forms.Form):
    description = forms.CharField(label=_("What needs to be done?"), max_length=500)
    owner = ProfessionalChoiceField(
        label=_("Who does it?"),
        required=False,
        queryset=Professional.objects.none(),
    )
    owner_organization = forms.ModelChoiceField(
        label=_("For organisation (optional)"),
        required=False,
        queryset=Organization.objects.none(),
        help_text=_("Choose only an organisation when no person is named yet."),
    )
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())
    dimension = forms.ChoiceField(
        label=_("Dimension (optional)"), choices=[("", "—"), *Dimension.choices], required=False
    )

    def __init__(
        self,
        *args: Any,
        owners: QuerySet[Professional],
        organizations: QuerySet[Organization],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault(
            "due_on", timezone.localdate() + dt.timedelta(days=7)
        )
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner_organization"].queryset = organizations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("owner") and not data.get("owner_organization") and not self.errors:
            self.add_error("owner", _("Choose who will do this."))
        return data


class ActionStepForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)
