from django import forms
from django.utils.translation import gettext_lazy as _

from quipu_portal.pdfs.models import BundleFormat


class BundleStartForm(forms.Form):
    """What the list's bulk bar posts (ticked ids or "all matching", and the list's filters) plus the format."""

    ids = forms.MultipleChoiceField(required=False)
    select_across = forms.BooleanField(required=False)
    query = forms.CharField(required=False)
    format = forms.ChoiceField(
        label=_("Download as"),
        choices=BundleFormat.choices,
        initial=BundleFormat.ZIP,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is acceptable here: Quipu decides which exist when the list is read again.
        self.fields["ids"].choices = (
            [(value, value) for value in self.data.getlist("ids")] if self.data else []
        )

    def clean_format(self):
        return self.cleaned_data.get("format") or BundleFormat.ZIP
