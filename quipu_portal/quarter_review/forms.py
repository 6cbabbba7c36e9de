import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin.filters import QUARTER_CHOICES


def _year_choices():
    this_year = datetime.date.today().year
    return [(str(year), str(year)) for year in range(this_year + 1, this_year - 6, -1)]


class QuarterForm(forms.Form):
    """Which quarter: bound to the query string; missing or wrong values fall back to the one to file next."""

    year = forms.TypedChoiceField(label=_("Year"), choices=_year_choices, coerce=int)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTER_CHOICES, coerce=int)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ScanForm(QuarterForm):
    """Scan one client (``connection``) or, without it, every client of the user."""

    connection = forms.IntegerField(required=False, widget=forms.HiddenInput)
