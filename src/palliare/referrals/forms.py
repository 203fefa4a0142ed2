"""Forms of referrals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from palliare.capacity.constants import AdmissionStatus
from palliare.capacity.models import BedStatus, Facility
from palliare.organizations.models import Organization
from palliare.ui.forms import DateInput, parse_id

from .constants import RECEIVING_TYPES, MissingItem, PlanQuality, ReferralUrgency


def free_beds_text(facility: Facility) -> str:
    """The facility's beds now, from the capacity app's current status, in a few words."""
    status = facility.current_status
    if status is None:
        return str(_("beds not reported"))
    if status.admission_status != AdmissionStatus.OPEN:
        return str(status.get_admission_status_display())
    if status.free_beds == 0:
        return str(_("full"))
    return str(
        ngettext("%(free)s of %(beds)s bed free", "%(free)s of %(beds)s beds free", status.beds)
        % {"free": status.free_beds, "beds": status.beds}
    )


class FacilityChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A facility, labelled with its free beds now."""

    def label_from_instance(self, obj: Facility) -> str:
        return f"{obj.display_name} ({obj.location.city}) · {free_beds_text(obj)}"


class ReferralForm(forms.Form):
    """A referral: the facilities offered are those of the chosen organisation, each with its
    free beds now (the page reloads them when the organisation changes)."""

    receiving_organization = forms.ModelChoiceField(
        label=_("Refer to"),
        queryset=Organization.objects.none(),
        help_text=_("A hospice, palliative unit, nursing home or district-nursing organisation."),
    )
    facility = FacilityChoiceField(
        label=_("Facility (optional)"),
        required=False,
        queryset=Facility.objects.none(),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=ReferralUrgency.choices,
        widget=forms.RadioSelect,
        initial=ReferralUrgency.THIS_WEEK,
    )
    desired_date = forms.DateField(
        label=_("Desired date (optional)"), required=False, widget=DateInput()
    )
    question = forms.CharField(
        label=_("Reason for referral and what the patient needs"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    referrer_phone = forms.CharField(
        label=_("Your call-back number"), required=False, max_length=20
    )

    def __init__(self, *args: Any, organization_id: int | None = None, **kwargs: Any) -> None:
        """``organization_id``: the receiving organisation chosen so far (else from the data)."""
        super().__init__(*args, **kwargs)
        org_field = self.fields["receiving_organization"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = (
            Organization.objects.active().filter(type__in=RECEIVING_TYPES).order_by("type", "name")
        )
        if self.is_bound:
            organization_id = parse_id(self.data.get("receiving_organization"))
        facility_field = self.fields["facility"]
        assert isinstance(facility_field, forms.ModelChoiceField)
        if organization_id is None:
            facility_field.help_text = _("Choose the organisation first; then its places appear.")
            return
        facility_field.queryset = (
            Facility.objects.active()
            .with_current()
            .filter(organization_id=organization_id)
            .order_by("name", "pk")
        )
        facility_field.help_text = _("With the free beds as the facility last reported them.")

    def chosen_facility(self) -> Facility | None:
        """The facility selected now (bound or initial), with its current status."""
        field = self.fields["facility"]
        assert isinstance(field, forms.ModelChoiceField)
        pk = parse_id(self["facility"].value())
        if pk is None or field.queryset is None:
            return None
        facility: Facility | None = field.queryset.filter(pk=pk).first()
        return facility

    def clean_desired_date(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("desired_date")
        today = timezone.localdate()
        if value and not today <= value <= today + dt.timedelta(days=366):
            raise forms.ValidationError(_("Choose a date from today to within a year."))
        return value


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the referrer (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class AdmissionForm(forms.Form):
    admitted_on = forms.DateField(
        label=_("Admitted on"), widget=DateInput(), initial=timezone.localdate
    )
    lower_free_beds = forms.BooleanField(
        label=_("One bed fewer free"), required=False, initial=True
    )

    def __init__(self, *args: Any, bed_status: BedStatus | None = None, **kwargs: Any) -> None:
        """``bed_status``: the facility's current beds when the user may lower them; without
        it the question is not asked."""
        super().__init__(*args, **kwargs)
        if bed_status is None:
            del self.fields["lower_free_beds"]
        else:
            self.fields["lower_free_beds"].help_text = _(
                "Now %(free)s of %(beds)s beds free; the regional bed list shows the new number "
                "at once."
            ) % {"free": bed_status.free_beds, "beds": bed_status.beds}


class FeedbackForm(forms.Form):
    plan_quality = forms.ChoiceField(
        label=_("The care plan the patient arrived with"),
        choices=PlanQuality.choices,
        widget=forms.RadioSelect,
    )
    missing = forms.MultipleChoiceField(
        label=_("What was missing?"),
        required=False,
        choices=MissingItem.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Explanation for the referrer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
