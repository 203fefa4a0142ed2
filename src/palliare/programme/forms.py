"""Forms of the programme. Validation messages are in the user's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from palliare.organizations.models import Organization, Professional, Subregion
from palliare.ui.forms import DateInput

from .constants import (
    BodyKind,
    BodyRole,
    BottleneckStatus,
    Phase,
    RoundKind,
    SelfEvaluationPhase,
)
from .models import (
    Body,
    BodyMeeting,
    CoreElement,
    Decision,
    Deliverable,
    ReportingRound,
    Theme,
)

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _date(label: Any, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


class ProfessionalChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Professional) -> str:
        return obj.full_name


class MemberForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    joined_on = _date(_("Member since"))
    covenant_signed_on = _date(_("Covenant signed on"), required=False)
    contact = ProfessionalChoiceField(
        label=_("Contact for the programme"),
        required=False,
        queryset=Professional.objects.filter(is_active=True),
    )
    contribution = forms.DecimalField(
        label=_("Yearly contribution (EUR)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        initial=0,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class MemberEditForm(forms.Form):
    joined_on = _date(_("Member since"))
    left_on = _date(_("Left on"), required=False)
    covenant_signed_on = _date(_("Covenant signed on"), required=False)
    contact = ProfessionalChoiceField(
        label=_("Contact for the programme"),
        required=False,
        queryset=Professional.objects.filter(is_active=True),
    )
    contribution = forms.DecimalField(
        label=_("Yearly contribution (EUR)"), min_value=0, max_digits=10, decimal_places=2
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class BodyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BodyKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.SlugField(
        label=_("Decision prefix"),
        max_length=10,
        help_text=_("Short letters before the decision numbers, e.g. SG for the steering group."),
    )
    subregion = forms.ModelChoiceField(
        label=_("Subregion"), queryset=Subregion.objects.order_by("name"), required=False
    )
    assignment = forms.CharField(
        label=_("Assignment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class BodyMemberForm(forms.Form):
    professional = ProfessionalChoiceField(
        label=_("Person"), queryset=Professional.objects.filter(is_active=True)
    )
    organization = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
    )
    role = forms.ChoiceField(label=_("Role"), choices=BodyRole.choices)
    started_on = _date(_("From"))
    ended_on = _date(_("Ended on"), required=False)


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=DateTimeInput(), input_formats=DATETIME_FORMATS
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=10, max_value=600, initial=120
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")


class MeetingEditForm(MeetingForm):
    """Changing a planned meeting: the revision it was opened at travels along (optimistic
    locking)."""

    sequence = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=300)
    note = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TopicEditForm(TopicForm):
    sequence = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Document"),
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument or text; at most 10 MB."),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )


class DecisionForm(forms.Form):
    decided_on = _date(_("Decided on"))
    title = forms.CharField(label=_("Decision"), max_length=300)
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    meeting = forms.ModelChoiceField(
        label=_("In the meeting of"), queryset=BodyMeeting.objects.none(), required=False
    )
    adopts = forms.ModelMultipleChoiceField(
        label=_("Adopts these deliverables"),
        queryset=Deliverable.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Deliverables submitted to the steering group."),
    )

    def __init__(
        self,
        *args: Any,
        meetings: QuerySet[BodyMeeting],
        submitted: QuerySet[Deliverable],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.fields["adopts"].queryset = submitted  # type: ignore[attr-defined]
        if not submitted.exists():
            del self.fields["adopts"]


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300)
    owner = ProfessionalChoiceField(
        label=_("Owner"), queryset=Professional.objects.filter(is_active=True)
    )
    due_on = _date(_("Due on"))


class ActionLineForm(forms.Form):
    code = forms.CharField(label=_("Number"), max_length=10)
    title = forms.CharField(label=_("Title"), max_length=200)
    principles = forms.CharField(
        label=_("Principles"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    participating_parties = forms.CharField(
        label=_("Participating parties"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    project_leader = forms.CharField(label=_("Project leader"), max_length=200, required=False)
    working_group: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        label=_("Working group"), queryset=Body.objects.none(), required=False
    )
    interfaces = forms.CharField(
        label=_("Interfaces with running projects"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = Body.objects.filter(  # type: ignore[attr-defined]
            kind=BodyKind.WORKING_GROUP
        )


class AssignmentForm(forms.Form):
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[c for c in Phase.choices if c[0] != Phase.WORKBOOK]
    )
    assignment = forms.CharField(
        label=_("Assignment"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    per_subregion = forms.BooleanField(label=_("Delivered per subregion"), required=False)
    not_applicable = forms.BooleanField(label=_("Not applicable"), required=False)


class DeliverableForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    subregion = forms.ModelChoiceField(
        label=_("Subregion"), queryset=Subregion.objects.order_by("name"), required=False
    )
    each_subregion = forms.BooleanField(label=_("One for each subregion"), required=False)
    starts_on = _date(_("Starts on"))
    due_on = _date(_("Due on"))


class DeliverableTextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)


class AdoptForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=_("Adopted by decision"),
        queryset=Decision.objects.none(),
        required=False,
        empty_label=_("— choose the decision —"),
    )

    def __init__(self, *args: Any, decisions: QuerySet[Decision], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions  # type: ignore[attr-defined]
        self.fields["decision"].label_from_instance = str  # type: ignore[attr-defined]


class WorkPlanForm(forms.Form):
    """One text field per active core element (built from the configured list)."""

    def __init__(
        self, *args: Any, elements: list[CoreElement], initial_texts: dict[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for element in elements:
            label = str(element.title)
            if element.is_draft:
                label = f"{label} ({_('draft')})"
            self.fields[f"element_{element.pk}"] = forms.CharField(
                label=label,
                required=False,
                help_text=element.description,
                initial=initial_texts.get(element.pk, ""),
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def intentions(self) -> dict[int, str]:
        return {
            int(name.removeprefix("element_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("element_")
        }


class DeliveryForm(forms.Form):
    round = forms.ModelChoiceField(label=_("For"), queryset=ReportingRound.objects.none())
    file = forms.FileField(
        label=_("Report"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument or text; at most 10 MB."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, rounds: QuerySet[ReportingRound], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds  # type: ignore[attr-defined]


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RoundKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    due_on = _date(_("Deadline"))
    instructions = forms.CharField(
        label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SelfEvaluationForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=SelfEvaluationPhase.choices)
    started_on = _date(_("Started on"), required=False)
    done_on = _date(_("Done on"), required=False)
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes found"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    may_be_named = forms.BooleanField(
        label=_("The network may name our organisation beside these themes"), required=False
    )


class SelfEvaluationActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300)
    owner_name = forms.CharField(label=_("Owner"), max_length=200)
    due_on = _date(_("Due on"), required=False)


class BottleneckForm(forms.Form):
    title = forms.CharField(label=_("Bottleneck"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    signalled_by = forms.CharField(label=_("Signalled by"), max_length=200)
    signalled_on = _date(_("Signalled on"))
    subregion = forms.ModelChoiceField(
        label=_("Subregion"), queryset=Subregion.objects.order_by("name"), required=False
    )
    owner = ProfessionalChoiceField(
        label=_("Owner"), queryset=Professional.objects.filter(is_active=True), required=False
    )


class BottleneckUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=BottleneckStatus.choices)
    owner = ProfessionalChoiceField(
        label=_("Owner"), queryset=Professional.objects.filter(is_active=True), required=False
    )
    meeting = forms.ModelChoiceField(
        label=_("Discussed in"), queryset=BodyMeeting.objects.none(), required=False
    )
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, meetings: QuerySet[BodyMeeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
