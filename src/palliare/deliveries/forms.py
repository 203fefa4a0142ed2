"""Forms of deliveries: the upload, the review, and the network coordinator's data element and
data set forms (the data set form turns checkboxes and rule lines into a definition)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .constants import MAX_UPLOAD_BYTES
from .models import DataElement, DataSet
from .schema import RuleSpec, parse_rule


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled template"),
        help_text=_("The template as .xlsx, or saved as CSV (semicolon or comma separated)."),
        error_messages={
            "required": _("Choose a file."),
            "empty": _("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)s MB. A filled template is only a few kB.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the delivery")), ("return", _("Return for correction"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the organisation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the delivery: say what to correct."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what should be corrected when you return it."))
        return data


class DataElementForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DataElement
        fields = [
            "code",
            "name_nl",
            "name_en",
            "value_type",
            "unit",
            "min_value",
            "max_value",
            "help_text",
        ]


class DataSetForm(forms.ModelForm):  # type: ignore[type-arg]
    """A data set with its elements, optional elements, rules and deadline. Saving it through
    ``services.publish_data_set`` makes a new version when the content changed."""

    elements = forms.ModelMultipleChoiceField(
        label=_("Data elements"),
        queryset=DataElement.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one data element.")},
    )
    optional = forms.ModelMultipleChoiceField(
        label=_("Optional elements"),
        queryset=DataElement.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Chosen elements that may be left empty; the others are required."),
    )
    rules = forms.CharField(
        label=_("Validation rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One rule per line, comparing two element codes with <=, <, >=, > or =, e.g. "
            "consultations_with_plan <= consultations (a numerator at most its denominator)."
        ),
    )
    deadline_days = forms.IntegerField(
        label=_("Deadline: days after the end of the period"),
        min_value=0,
        max_value=366,
        initial=42,
    )
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=500,
        help_text=_("Saved with the new version when elements, rules or the deadline change."),
    )

    class Meta:
        model = DataSet
        fields = [
            "code",
            "name_nl",
            "name_en",
            "organization_type",
            "period_type",
            "first_period_start",
            "is_active",
        ]
        widgets = {"first_period_start": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_period_start"].required = False

    def clean_first_period_start(self) -> Any:
        value = self.cleaned_data.get("first_period_start")
        return value or DataSet._meta.get_field("first_period_start").get_default()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = list(data.get("elements") or [])
        optional = set(data.get("optional") or [])
        if optional - set(chosen):
            self.add_error("optional", _("An optional element must also be chosen above."))
        parsed: list[RuleSpec] = []
        codes = [e.code for e in chosen]
        for line in (data.get("rules") or "").splitlines():
            if not line.strip():
                continue
            try:
                parsed.append(parse_rule(line, codes))
            except ValueError as exc:
                self.add_error("rules", str(exc))
        data["parsed_rules"] = parsed
        return data
