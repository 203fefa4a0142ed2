"""The upload form of the directory's CSV exchange."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DirectoryImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Use the columns of the export. Comma or semicolon separated, UTF-8."),
    )
    check_only = forms.BooleanField(
        label=_("Only check, do not save"), required=False, initial=False
    )
