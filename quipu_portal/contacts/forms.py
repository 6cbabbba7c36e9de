import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin.reference import ReferenceFilterForm, ReferenceForm

KIND_CHOICES = [
    ("", _("Clients, suppliers and employees")),
    ("client", _("Clients")),
    ("supplier", _("Suppliers")),
    ("employee", _("Employees")),
]
DOCUMENT_TYPE_CHOICES = [
    ("", _("Not set")),
    ("NIF", _("NIF (Spanish tax ID)")),
    ("passport", _("Passport")),
    ("official_id_from_residence_country", _("Official ID from the country of residence")),
    ("residence_permit", _("Residence permit")),
    ("other", _("Other document")),
    ("none", _("No document")),
]
COUNTRY_CODE = re.compile(r"^[a-z]{2}$")
VERIFACTU_HINT = _("Required on Verifactu accounts.")


def _country_codes(text: str) -> list[str]:
    codes = [code for code in re.split(r"[\s,;]+", (text or "").strip().lower()) if code]
    for code in codes:
        if not COUNTRY_CODE.match(code):
            raise ValidationError(
                _("“%(code)s” is not a two-letter country code such as es or pt."), params={"code": code}
            )
    return codes


class ContactFilterForm(ReferenceFilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "data-live-search": ""}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, required=False)
    tax_id = forms.CharField(label=_("Tax ID"), required=False, max_length=30)
    country = forms.CharField(
        label=_("Countries"), required=False, help_text=_("Two-letter codes, separated by commas: es, pt")
    )
    email = forms.EmailField(label=_("Email"), required=False)

    def clean_country(self):
        return ",".join(_country_codes(self.cleaned_data["country"]))


class ContactForm(ReferenceForm):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=VERIFACTU_HINT)
    tax_id = forms.CharField(label=_("Tax ID"), required=False, max_length=30, help_text=VERIFACTU_HINT)
    document_type = forms.ChoiceField(
        label=_("Identity document"), choices=DOCUMENT_TYPE_CHOICES, required=False, help_text=VERIFACTU_HINT
    )
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    address = forms.CharField(label=_("Address"), required=False, max_length=250)
    zip_code = forms.CharField(label=_("Postcode"), required=False, max_length=20, help_text=VERIFACTU_HINT)
    town = forms.CharField(label=_("Town"), required=False, max_length=100)
    country_code = forms.CharField(
        label=_("Country"),
        required=False,
        max_length=2,
        help_text=_("Two-letter code such as es. Required on Verifactu accounts."),
    )
    client_number = forms.CharField(label=_("Client number"), required=False, max_length=20)
    supplier_number = forms.CharField(label=_("Supplier number"), required=False, max_length=20)
    employee_number = forms.CharField(label=_("Employee number"), required=False, max_length=20)
    is_supplier_of_direct_goods = forms.BooleanField(label=_("Supplier of direct goods"), required=False)
    bank_account_number = forms.CharField(
        label=_("Bank account (IBAN)"), required=False, max_length=50, help_text=_("Spaces are fine.")
    )
    bank_account_swift_bic = forms.CharField(label=_("SWIFT/BIC"), required=False, max_length=11)
    description = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    layout = (
        (
            _("Who they are"),
            _("Verifactu accounts need the name, tax ID, identity document, postcode and country."),
            ("name", "tax_id", "document_type", "email", "phone"),
        ),
        (_("Address"), "", ("address", "zip_code", "town", "country_code")),
        (
            _("Numbers in your books"),
            "",
            ("client_number", "supplier_number", "employee_number", "is_supplier_of_direct_goods"),
        ),
        (_("Bank"), "", ("bank_account_number", "bank_account_swift_bic")),
        (_("Notes"), "", ("description",)),
    )

    def clean_country_code(self):
        code = self.cleaned_data["country_code"].strip().lower()
        if code:
            _country_codes(code)
        return code
