import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin.reference import ReferenceFilterForm

KIND_LABELS = {
    "income": _("Income"),
    "expenses": _("Expenses"),
    "assets": _("Assets"),
    "capital": _("Capital"),
    "financial": _("Financial"),
    "creditor_debitor": _("Creditors and debtors"),
}


class AccountingCategoryFilterForm(ReferenceFilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Every kind")), *KIND_LABELS.items()], required=False
    )
    prefix = forms.CharField(
        label=_("Account numbers"),
        required=False,
        help_text=_("One or more, separated by commas: 600, 629"),
        widget=forms.TextInput(attrs={"type": "search", "data-live-search": ""}),
    )

    def clean_prefix(self):
        numbers = [part for part in re.split(r"[\s,;]+", self.cleaned_data["prefix"].strip()) if part]
        for number in numbers:
            if not number.isdigit():
                raise ValidationError(_("“%(value)s” is not an account number."), params={"value": number})
        return ",".join(numbers)
