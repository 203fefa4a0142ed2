"""The postcode form of the public care finder, with messages in plain language."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from palliare.organizations.models import PostcodeArea
from palliare.organizations.validators import parse_pc4


class PostcodeForm(forms.Form):
    postcode = forms.CharField(
        label=_("Your postcode"),
        max_length=10,
        help_text=_("For example 9401 AB. The four numbers are enough."),
        error_messages={"required": _("Fill in your postcode.")},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "input--short"}),
    )

    def clean_postcode(self) -> PostcodeArea:
        pc4 = parse_pc4(self.cleaned_data["postcode"])
        if pc4 is None:
            raise ValidationError(
                _(
                    "This is not a postcode. A postcode has four numbers and two letters, "
                    "for example 9401 AB."
                ),
                code="malformed",
            )
        area = PostcodeArea.objects.filter(pk=pc4).first()
        if area is None:
            raise ValidationError(
                _("We do not know postcode %(pc4)s. Check the four numbers.") % {"pc4": pc4},
                code="unknown",
            )
        return area
