from django import forms
from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin.pickers import PickerSelect, category_label
from quipu_portal.resource_admin.reference import ReferenceFilterForm, ReferenceForm


def category_choices(refdata, blank) -> list[tuple[str, str]]:
    categories = sorted(refdata.accounting_categories, key=lambda c: (str(c.prefix or ""), c.id))
    return [("", blank), *((c.id, category_label(c)) for c in categories)]


def category_field(*, required: bool, blank) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Accounting category"),
        required=required,
        widget=PickerSelect(source="accounting_categories"),
        choices=[("", blank)],
    )


class AccountingSubcategoryFilterForm(ReferenceFilterForm):
    accounting_category = category_field(required=False, blank=_("Every category"))
    api_names = {"accounting_category": "accounting_category_id"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounting_category"].choices = category_choices(self.refdata, _("Every category"))


class AccountingSubcategoryForm(ReferenceForm):
    accounting_category = category_field(required=True, blank=_("Choose a category"))
    suffix = forms.RegexField(
        label=_("Suffix"),
        regex=r"^\d+$",
        max_length=8,
        error_messages={"invalid": _("Digits only, e.g. 3.")},
        help_text=_("Unique within its category. 629 with suffix 3 becomes account 62900003."),
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    relationship_fields = ("accounting_category",)

    def setup(self):
        self.fields["accounting_category"].choices = category_choices(self.refdata, _("Choose a category"))
