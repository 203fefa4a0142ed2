"""Forms of training. Validation messages are in the user's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palliare.organizations.constants import Discipline
from palliare.organizations.models import Organization, Professional, Subregion

from .constants import RATINGS
from .models import Course, KnowledgeCarrier, Session

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class CourseForm(forms.ModelForm):  # type: ignore[type-arg]
    target_disciplines = forms.MultipleChoiceField(
        label=_("Target disciplines"),
        choices=Discipline.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when the course is open to every discipline."),
    )

    class Meta:
        model = Course
        fields = ["title", "description", "target_disciplines", "accreditation_points", "cost"]


class SessionForm(forms.ModelForm):  # type: ignore[type-arg]
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=DateTimeInput(), input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DateTimeInput(), input_formats=DATETIME_FORMATS
    )

    class Meta:
        model = Session
        fields = [
            "course",
            "starts_at",
            "ends_at",
            "is_online",
            "online_url",
            "venue",
            "subregion",
            "places",
            "trainer",
            "organizer",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["subregion"].queryset = Subregion.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["organizer"].queryset = Organization.objects.active()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_online") and not data.get("online_url"):
            self.add_error("online_url", _("An online session needs its link."))
        if not data.get("is_online") and not data.get("venue"):
            self.add_error("venue", _("Fill in where the session takes place, or tick online."))
        return data


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How do you rate the session as a whole? (1 = poor, 5 = excellent)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    usefulness = forms.TypedChoiceField(
        label=_("How useful is it for your work? (1 = not, 5 = very)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea
    )


class ProfessionalChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Professional) -> str:
        return f"{obj.full_name} · {obj.get_discipline_display()}"


class KnowledgeCarrierForm(forms.ModelForm):  # type: ignore[type-arg]
    professional = ProfessionalChoiceField(
        label=_("Professional"), queryset=Professional.objects.filter(is_active=True)
    )

    class Meta:
        model = KnowledgeCarrier
        fields = ["organization", "professional", "kind", "topic", "since"]
        widgets = {"since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.active()  # type: ignore[attr-defined]
