"""Forms of engagement: public registration and subscription (with a hidden honeypot field),
and the coordinator's events, editions and pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palliare.organizations.models import Municipality, PostcodeArea

from .models import Event, NewsletterList, PublicPage
from .services.newsletter import AUTOMATIC_BLOCKS

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class HoneypotMixin(forms.Form):
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class AttendeeForm(HoneypotMixin):
    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send you an e-mail. Click the link in it to confirm."),
    )
    field_order = ["name", "email", "website"]


class SubscribeForm(HoneypotMixin):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    lists = forms.ModelMultipleChoiceField(
        label=_("Which newsletter?"),
        queryset=NewsletterList.objects.filter(is_public=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one newsletter.")},
    )
    field_order = ["email", "lists", "website"]


class PreferencesForm(forms.Form):
    lists = forms.ModelMultipleChoiceField(
        label=_("I want to receive"),
        queryset=NewsletterList.objects.filter(is_public=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Untick everything to stop receiving the newsletter."),
    )


class EventForm(forms.ModelForm):  # type: ignore[type-arg]
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=DateTimeInput(), input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DateTimeInput(), input_formats=DATETIME_FORMATS
    )
    postcode = forms.RegexField(
        label=_("Postcode (for the map)"),
        regex=r"^\s*[1-9][0-9]{3}\s*([A-Za-z]{2})?\s*$",
        required=False,
        error_messages={"invalid": _("Fill in a Dutch postcode, for example 9401 AB.")},
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "description",
            "starts_at",
            "ends_at",
            "venue",
            "address",
            "municipality",
            "places",
            "is_published",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            subregion__isnull=False
        ).order_by("name")
        if self.instance.postcode_area_id:
            self.fields["postcode"].initial = self.instance.postcode_area_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = (data.get("postcode") or "").strip()[:4]
        area = PostcodeArea.objects.filter(pk=code).first() if code else None
        if code and area is None:
            self.add_error("postcode", _("This postcode is not known."))
        self.instance.postcode_area = area
        return data


class AttendanceCountForm(forms.Form):
    attendance_count = forms.IntegerField(
        label=_("How many people came?"), min_value=0, max_value=100000
    )


class EditionForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    lists = forms.ModelMultipleChoiceField(
        label=_("Send to"),
        queryset=NewsletterList.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    title_1 = forms.CharField(label=_("Heading of text block 1"), max_length=200, required=False)
    body_1 = forms.CharField(label=_("Text block 1"), widget=forms.Textarea, required=False)
    title_2 = forms.CharField(label=_("Heading of text block 2"), max_length=200, required=False)
    body_2 = forms.CharField(label=_("Text block 2"), widget=forms.Textarea, required=False)
    title_3 = forms.CharField(label=_("Heading of text block 3"), max_length=200, required=False)
    body_3 = forms.CharField(label=_("Text block 3"), widget=forms.Textarea, required=False)
    events = forms.BooleanField(label=_("Add the coming events"), required=False)
    trainings = forms.BooleanField(label=_("Add the coming trainings"), required=False)
    kpi = forms.BooleanField(
        label=_("Add a KPI highlight (the region's latest published figure)"), required=False
    )

    def blocks(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        result: list[dict[str, str]] = []
        for n in (1, 2, 3):
            title, body = data.get(f"title_{n}", "").strip(), data.get(f"body_{n}", "").strip()
            if title or body:
                result.append({"kind": "text", "title": title, "body": body})
        for kind in AUTOMATIC_BLOCKS:
            if data.get(kind):
                result.append({"kind": kind})
        return result

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not self.blocks():
            raise forms.ValidationError(_("Add at least one block."))
        return data

    @staticmethod
    def initial_from(blocks: list[dict[str, Any]]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        n = 0
        for block in blocks:
            if block.get("kind") == "text" and n < 3:
                n += 1
                initial[f"title_{n}"] = block.get("title", "")
                initial[f"body_{n}"] = block.get("body", "")
            elif block.get("kind") in AUTOMATIC_BLOCKS:
                initial[block["kind"]] = True
        return initial


class PageForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PublicPage
        fields = ["title_nl", "body_nl", "title_en", "body_en"]
        help_texts = {
            "body_nl": _("Plain text. An empty line starts a new paragraph. Write in B1 Dutch."),
        }
