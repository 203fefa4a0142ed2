"""Search forms of the directory."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import OrganizationType
from .models import Subregion


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, place or AGB code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All types")), *OrganizationType.choices],
    )
    subregion = forms.ModelChoiceField(
        label=_("Subregion"),
        required=False,
        queryset=Subregion.objects.all(),
        empty_label=_("All subregions"),
    )
