from django import forms
from django.utils.translation import gettext_lazy as _

from quipu_portal.exports.models import ExportFormat


class ExportStartForm(forms.Form):
    """What a list's export form posts: the list's query string, the format and whether lines go apart."""

    query = forms.CharField(required=False)
    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices, initial=ExportFormat.XLSX)
    lines = forms.BooleanField(label=_("One row per document line"), required=False)


class ListQueryForm(forms.Form):
    query = forms.CharField(required=False)
