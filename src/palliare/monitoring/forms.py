"""Forms of the monitoring pages: a KPI definition (saved as a new version), a target, the
report to issue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import sources
from .constants import Breakdown, Direction, Domain, KpiKind, PeriodType, Source, Unit
from .periods import Period


class KpiVersionForm(forms.Form):
    """Every field of a KPI's definition; saving makes a new version."""

    code = forms.CharField(
        label=_("Code"),
        max_length=60,
        validators=[
            RegexValidator(r"^[a-z0-9-]+$", _("Use lowercase letters, digits and hyphens."))
        ],
        help_text=_("Fixed once the KPI exists."),
    )
    number = forms.CharField(label=_("Number"), max_length=20)
    name_nl = forms.CharField(label=_("Name (Dutch)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    domain = forms.ChoiceField(label=_("Domain (5 J's)"), choices=Domain.choices)
    kind = forms.ChoiceField(label=_("Type"), choices=KpiKind.choices)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    numerator = forms.CharField(label=_("Numerator"), widget=forms.Textarea(attrs={"rows": 3}))
    denominator = forms.CharField(
        label=_("Denominator"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    inclusions = forms.CharField(
        label=_("Inclusions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    exclusions = forms.CharField(
        label=_("Exclusions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    period = forms.CharField(label=_("Period"), max_length=500)
    reference_date = forms.CharField(label=_("Reference date"), max_length=500)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    rule = forms.CharField(
        label=_("Calculation rule or data element"),
        max_length=60,
        help_text=_(
            "For a computed KPI one of Palliare's rules; otherwise the data element or milestone."
        ),
    )
    breakdowns = forms.MultipleChoiceField(
        label=_("Breakdowns"),
        choices=Breakdown.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    change_note = forms.CharField(label=_("What changed, and why"), max_length=500, required=False)

    def __init__(self, *args: Any, existing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if existing:
            self.fields["code"].disabled = True
        self.fields["rule"].help_text = _("Computed rules: %(rules)s.") % {
            "rules": ", ".join(sources.rule_keys())
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == Source.COMPUTED and data.get("rule") not in sources.rule_keys():
            self.add_error("rule", _("Choose one of the calculation rules Palliare knows."))
        return data


class TargetForm(forms.Form):
    """A target and the steering-group decision it rests on."""

    value = forms.DecimalField(label=_("Target"), max_digits=10, decimal_places=2, min_value=0)
    target_date = forms.DateField(
        label=_("To be reached by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    decision_reference = forms.CharField(
        label=_("Steering-group decision"),
        max_length=200,
        required=False,
        help_text=_("E.g. 'Stuurgroep 16-12-2025, besluit 4'."),
    )
    decision_date = forms.DateField(
        label=_("Decision date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_target_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["target_date"]
        if day.year < 2000 or day.year > 2100:
            raise forms.ValidationError(_("Give a date between 2000 and 2100."))
        return day


class ReportForm(forms.Form):
    """Which period the report covers."""

    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        choices = []
        current_q = Period.of(today, PeriodType.QUARTER)
        p = current_q
        for _step in range(8):
            p = Period.of(p.start - dt.timedelta(days=1), PeriodType.QUARTER)
            choices.append((p.key, p.display))
        for year in range(today.year - 1, today.year - 4, -1):
            y = Period.year(year)
            choices.append((y.key, y.display))
        self.fields["period"].choices = choices  # type: ignore[attr-defined]

    def clean_period(self) -> Period:
        found = Period.parse(self.cleaned_data["period"])
        if found is None:
            raise forms.ValidationError(_("Choose a period from the list."))
        return found
