"""Forms of the register. Validation messages are in the user's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Membership, Organization, PostcodeArea, Professional
from palliare.ui.forms import DateInput, parse_id

from .constants import (
    CareTeamRole,
    ConsentGivenBy,
    ConsentScope,
    DiagnosisGroup,
    Dimension,
    PlaceOfDeath,
    SignalSuggestion,
    SpictDisease,
    SpictGeneral,
    SuggestionDismissReason,
    SurpriseAnswer,
    Urgency,
    VolunteerStatus,
    YesNoUnknown,
)
from .fields import BsnField
from .models import DeathRegistration, Patient
from .services.death import death_answer_errors


def _past_or_today(value: dt.date | None) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date lies in the future."))


class PatientForm(forms.ModelForm):  # type: ignore[type-arg]
    bsn = BsnField()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Patient
        fields = [
            "bsn",
            "given_name",
            "family_name_prefix",
            "family_name",
            "date_of_birth",
            "sex",
            "street",
            "house_number",
            "postcode",
            "city",
            "phone",
            "gp_practice",
        ]
        widgets = {"date_of_birth": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        practice_field = self.fields["gp_practice"]
        assert isinstance(practice_field, forms.ModelChoiceField)
        practice_field.queryset = Organization.objects.active().filter(
            type=OrganizationType.GP_PRACTICE
        )
        if self.instance.pk:
            self.fields["bsn"].disabled = True
            self.fields["version"].initial = self.instance.version

    def clean_date_of_birth(self) -> dt.date:
        value: dt.date = self.cleaned_data["date_of_birth"]
        _past_or_today(value)
        if value.year < 1890:
            raise forms.ValidationError(_("Check the year of birth."))
        return value

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data.get("postcode", "")
        if value and not PostcodeArea.objects.filter(pk=value.replace(" ", "")[:4]).exists():
            raise forms.ValidationError(_("This postcode area is unknown. Check the postcode."))
        return value

    def validate_unique(self) -> None:
        """Duplicates are reported by the service with a link, not as a bare form error."""


class RegisterPatientForm(PatientForm):
    consents = forms.MultipleChoiceField(
        label=_("The patient gave explicit consent to"),
        choices=ConsentScope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or BSN"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    born = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    view = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("palliative", _("palliative patients")),
            ("consider", _("consider marking")),
            ("all", _("all living patients")),
            ("deceased", _("deceased")),
        ],
    )


class ConsentForm(forms.Form):
    """Consent for one or more purposes in one go: the purposes the patient has no open consent
    for are offered as checkboxes; the date is today unless changed."""

    scopes = forms.MultipleChoiceField(
        label=_("Consent for"),
        choices=ConsentScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every purpose the patient agreed to."),
        error_messages={"required": _("Tick at least one purpose.")},
    )
    given_on = forms.DateField(
        label=_("Given on"),
        widget=DateInput(),
        validators=[_past_or_today],
        initial=timezone.localdate,
        error_messages={"required": _("Enter the date the consent was given.")},
    )
    given_by = forms.ChoiceField(
        label=_("Given by"),
        choices=ConsentGivenBy.choices,
        widget=forms.RadioSelect,
        initial=ConsentGivenBy.PATIENT,
    )
    representative_name = forms.CharField(
        label=_("Name of the legal representative"), required=False, max_length=200
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, open_scopes: Collection[str] = (), **kwargs: Any) -> None:
        """``open_scopes``: purposes with consent recorded and not withdrawn; not offered."""
        super().__init__(*args, **kwargs)
        field = self.fields["scopes"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(v, label) for v, label in ConsentScope.choices if v not in open_scopes]
        if open_scopes:
            field.help_text = _(
                "Purposes with consent already recorded are not listed; withdraw a consent "
                "first to record it again."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("given_by") == ConsentGivenBy.LEGAL_REPRESENTATIVE
            and not data.get("representative_name", "").strip()
        ):
            self.add_error("representative_name", _("Enter the legal representative's name."))
        return data


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=_("Withdrawn on"), widget=DateInput(), validators=[_past_or_today]
    )
    note = forms.CharField(label=_("Reason or note"), required=False, max_length=500)


class _IndicatorFields(forms.Form):
    surprise_question = forms.ChoiceField(
        label=_("Would you be surprised if this patient died within the next 12 months?"),
        choices=SurpriseAnswer.choices,
        widget=forms.RadioSelect,
        initial=SurpriseAnswer.NOT_ASKED,
    )
    double_surprise_question = forms.ChoiceField(
        label=_("Would you be surprised if this patient were still alive in 12 months?"),
        choices=SurpriseAnswer.choices,
        widget=forms.RadioSelect,
        initial=SurpriseAnswer.NOT_ASKED,
    )
    spict_general = forms.MultipleChoiceField(
        label=_("SPICT-NL: general indicators"),
        choices=SpictGeneral.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    spict_disease = forms.MultipleChoiceField(
        label=_("SPICT-NL: indicators of life-limiting conditions"),
        choices=SpictDisease.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class MarkingForm(_IndicatorFields):
    marked_on = forms.DateField(
        label=_("Date of marking"),
        widget=DateInput(),
        validators=[_past_or_today],
        initial=timezone.localdate,
    )
    diagnosis_group = forms.ChoiceField(label=_("Diagnosis group"), choices=DiagnosisGroup.choices)
    diagnosis = forms.CharField(label=_("Life-limiting diagnosis"), required=False, max_length=200)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScreeningForm(_IndicatorFields):
    screened_on = forms.DateField(
        label=_("Date"), widget=DateInput(), validators=[_past_or_today], initial=timezone.localdate
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class UnmarkForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Un-marked on"),
        widget=DateInput(),
        validators=[_past_or_today],
        initial=timezone.localdate,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class UrgencyForm(forms.Form):
    urgency = forms.ChoiceField(
        label=_("Urgency (PaTz colour)"), choices=Urgency.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class SignalForm(forms.Form):
    dimension = forms.ChoiceField(
        label=_("Dimension"), choices=Dimension.choices, widget=forms.RadioSelect
    )
    observation = forms.CharField(
        label=_("What did you observe?"), widget=forms.Textarea(attrs={"rows": 4})
    )
    suggestion = forms.ChoiceField(
        label=_("What do you suggest?"), choices=SignalSuggestion.choices
    )

    def __init__(self, *args: Any, patient: Patient | None = None, **kwargs: Any) -> None:
        """Nothing is chosen for the sender (the first choice, "consider marking", used to be
        pre-selected), and for a patient already marked that suggestion is not offered."""
        super().__init__(*args, **kwargs)
        choices = [
            (value, label)
            for value, label in SignalSuggestion.choices
            if not (
                patient is not None
                and patient.is_marked
                and value == SignalSuggestion.CONSIDER_MARKING
            )
        ]
        field = self.fields["suggestion"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose what you suggest")), *choices]


class SignalResponseForm(forms.Form):
    response = forms.CharField(
        label=_("What was done (the sender sees this)"), widget=forms.Textarea(attrs={"rows": 2})
    )


def chosen_id(data: Any, name: str) -> int | None:
    """The id chosen in a (bound or query-string) select, or None."""
    return parse_id(data.get(name)) if data is not None else None


class CareTeamMemberForm(forms.Form):
    """A care-team member: the professionals offered are those working at the chosen
    organisation now (the page reloads the list when the organisation changes)."""

    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.active().order_by("name")
    )
    professional = forms.ModelChoiceField(
        label=_("Professional (optional)"),
        required=False,
        queryset=Professional.objects.none(),
        help_text=_("Leave empty when the organisation has not named a person yet."),
    )
    role = forms.ChoiceField(label=_("Role in the care team"), choices=CareTeamRole.choices)
    phone = forms.CharField(
        label=_("Phone for this patient (optional)"), required=False, max_length=20
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    central_contact = forms.BooleanField(label=_("Central contact"), required=False)

    def __init__(self, *args: Any, organization_id: int | None = None, **kwargs: Any) -> None:
        """``organization_id``: the organisation chosen so far (else read from the data)."""
        super().__init__(*args, **kwargs)
        chosen = organization_id or chosen_id(self.data if self.is_bound else None, "organization")
        field = self.fields["professional"]
        assert isinstance(field, forms.ModelChoiceField)
        if chosen is None:
            field.help_text = _("Choose the organisation first; then its professionals appear.")
            return
        field.queryset = (
            Professional.objects.filter(
                is_active=True,
                memberships__in=Membership.objects.current().filter(organization_id=chosen),
            )
            .distinct()
            .order_by("family_name", "given_name")
        )


class EndMemberForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CaregiverForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    relation = forms.CharField(label=_("Relation to the patient"), max_length=100)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    lives_with_patient = forms.BooleanField(label=_("Lives with the patient"), required=False)


class BurdenCheckForm(forms.Form):
    checked_on = forms.DateField(
        label=_("Date"), widget=DateInput(), validators=[_past_or_today], initial=timezone.localdate
    )
    score = forms.IntegerField(
        label=_("How heavy is caring now? 0 = light, 10 = cannot go on"), min_value=0, max_value=10
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class VolunteerStepForm(forms.Form):
    #: The care team discusses and requests; the volunteer organisation answers from its inbox.
    status = forms.ChoiceField(
        label=_("Terminal-care volunteers"),
        choices=[
            (s.value, s.label) for s in (VolunteerStatus.DISCUSSED, VolunteerStatus.REQUESTED)
        ],
    )
    organization = forms.ModelChoiceField(
        label=_("Volunteer organisation"),
        required=False,
        queryset=Organization.objects.active().filter(type=OrganizationType.VOLUNTEER_ORGANIZATION),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class DeathRegistrationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DeathRegistration
        fields = [
            "date_of_death",
            "place_of_death",
            "place_of_death_other",
            "expected",
            "preferred_place_known",
            "preferred_place",
            "preferred_place_achieved",
            "palliative_sedation",
            "hospital_admissions_30d",
            "emergency_visits_30d",
            "had_care_plan",
            "note",
        ]
        widgets = {
            "date_of_death": DateInput(),
            "place_of_death": forms.RadioSelect,
            "expected": forms.RadioSelect,
            "preferred_place_known": forms.RadioSelect,
            "preferred_place_achieved": forms.RadioSelect,
            "palliative_sedation": forms.RadioSelect,
            "had_care_plan": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place_field = self.fields["place_of_death"]
        assert isinstance(place_field, forms.ChoiceField)
        place_field.choices = [c for c in PlaceOfDeath.choices if c[0] != PlaceOfDeath.UNKNOWN]
        for name in [
            "expected",
            "preferred_place_known",
            "preferred_place_achieved",
            "palliative_sedation",
            "had_care_plan",
        ]:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = YesNoUnknown.choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _past_or_today(data.get("date_of_death"))
        if data.get("place_of_death") == PlaceOfDeath.OTHER and not data.get(
            "place_of_death_other"
        ):
            self.add_error("place_of_death_other", _("Describe the other place."))
        for field, messages in death_answer_errors(data).items():
            for message in messages:
                if field not in self.errors or message not in self.errors[field]:
                    self.add_error(field, message)
        return data


class DismissSuggestionForm(forms.Form):
    """Dismiss a marking suggestion: a reason is required (and an explanation for "other")."""

    reason = forms.ChoiceField(
        label=_("Why do you dismiss this suggestion?"),
        choices=[("", _("Choose a reason")), *SuggestionDismissReason.choices],
        error_messages={"required": _("Choose why you dismiss this suggestion.")},
    )
    explanation = forms.CharField(
        label=_("Explanation (required for another reason)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("reason") == SuggestionDismissReason.OTHER
            and not (data.get("explanation") or "").strip()
        ):
            self.add_error("explanation", _("Explain the other reason."))
        return data
