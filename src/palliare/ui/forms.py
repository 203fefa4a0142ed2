"""Form rendering shared by every page: one accessible field layout."""

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    """Renders fields with label, help text and errors linked by aria-describedby."""

    form_template_name = "ui/forms/form.html"
    field_template_name = "ui/forms/field.html"
