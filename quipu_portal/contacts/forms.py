import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin.forms import PAYMENT_METHOD_CHOICES, TreeSelectMultiple
from quipu_portal.resource_admin.pickers import PickerSelect, category_label, subcategory_label
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
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][a-z0-9]{2,4})?$")
VERIFACTU_HINT = _("Required on Verifactu accounts.")
# Which category kinds each side's default category may have (expenses also take fixed assets).
DEFAULT_CATEGORY_KINDS = {"income": {"income"}, "expense": {"expenses", "assets"}}
WRONG_KIND_ERRORS = {
    "income": _("Choose an income category (group 7 accounts)."),
    "expense": _("Choose an expense or fixed-asset category (group 6 or 2 accounts)."),
}
DUE_DATE_HELP = _(
    "As Quipu expects it (it publishes no fixed list), e.g. the number of days after the issue date."
)


def category_field(label, *, kind: str) -> forms.ChoiceField:
    """A contact's default category for one kind of document, picked by search."""
    return forms.ChoiceField(
        label=label,
        required=False,
        widget=PickerSelect(source="accounting_categories", params={"kind": kind}),
    )


def subcategory_field(label, *, category: str) -> forms.ChoiceField:
    """A default subcategory, searched within the category chosen in the field named ``category``."""
    return forms.ChoiceField(
        label=label,
        required=False,
        widget=PickerSelect(source="accounting_subcategories", depends_on=category),
    )


def payment_method_field(label) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=PAYMENT_METHOD_CHOICES, required=False)


def due_date_field(label) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=50, help_text=DUE_DATE_HELP)


def analytic_value_ids(text) -> list[str]:
    """The ids in `contact_analytic_value_ids` ("12,34"), whatever separators Quipu used."""
    return re.findall(r"\d+", str(text or ""))


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
    income_category = category_field(_("Income category"), kind="income")
    income_subcategory = subcategory_field(_("Income subcategory"), category="income_category")
    incomes_payment_method = payment_method_field(_("Payment method of income"))
    incomes_due_date = due_date_field(_("Due date of income"))
    equivalence_subcharge = forms.BooleanField(
        label=_("Equivalence surcharge"),
        required=False,
        help_text=_("Recargo de equivalencia: the contact is a retailer under that VAT scheme."),
    )
    pdf_language = forms.CharField(
        label=_("Language of PDFs"),
        required=False,
        max_length=10,
        help_text=_("A language code such as es, ca, eu, gl or en. Blank: the account's language."),
    )
    expense_category = category_field(_("Expense category"), kind="expenses")
    expense_subcategory = subcategory_field(_("Expense subcategory"), category="expense_category")
    expenses_payment_method = payment_method_field(_("Payment method of expenses"))
    expenses_due_date = due_date_field(_("Due date of expenses"))
    contact_analytic_value_ids = forms.MultipleChoiceField(
        label=_("Analytic categories"),
        required=False,
        help_text=_("Top-level groups cannot be chosen; pick one of their entries."),
    )
    relationship_fields = ("income_category", "income_subcategory", "expense_category", "expense_subcategory")

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
        (
            _("Defaults for new income documents"),
            _("Quipu fills these in on the invoices and other income documents you issue to this contact."),
            (
                "income_category",
                "income_subcategory",
                "incomes_payment_method",
                "incomes_due_date",
                "equivalence_subcharge",
                "pdf_language",
            ),
        ),
        (
            _("Defaults for new expense documents"),
            _("Quipu fills these in on the invoices and tickets you receive from this contact."),
            ("expense_category", "expense_subcategory", "expenses_payment_method", "expenses_due_date"),
        ),
        (
            _("Analytic categories"),
            _("Where this contact's documents go in your analytic accounts."),
            ("contact_analytic_value_ids",),
        ),
        (_("Notes"), "", ("description",)),
    )

    @classmethod
    def initial_from(cls, record) -> dict:
        initial = super().initial_from(record)
        initial["contact_analytic_value_ids"] = analytic_value_ids(initial["contact_analytic_value_ids"])
        return initial

    def setup(self) -> None:
        refdata = self.refdata
        categories = sorted(refdata.accounting_categories, key=lambda c: (str(c.prefix or ""), c.id))
        self._categories = {category.id: category for category in categories}
        self._subcategories = {sub.id: sub for sub in refdata.accounting_subcategories}
        for side, kinds in DEFAULT_CATEGORY_KINDS.items():
            # Every category is offered (a picker search finds them all); the right kind comes first.
            ordered = sorted(categories, key=lambda category: category.kind not in kinds)
            self.fields[f"{side}_category"].choices = [
                ("", _("No default")),
                *((category.id, category_label(category)) for category in ordered),
            ]
            self.fields[f"{side}_subcategory"].choices = [
                ("", _("No default")),
                *((sub.id, subcategory_label(sub, refdata)) for sub in refdata.accounting_subcategories),
            ]
        self._analytic_setup()

    def _analytic_setup(self) -> None:
        """The analytic tree with its roots disabled, plus any chosen id the tree does not know."""
        self._analytic_roots: set[str] = set()
        field = self.fields["contact_analytic_value_ids"]
        records = self.refdata.analytic_categories
        names = {record.id: record.name or record.id for record in records}
        children: dict = {}
        for record in records:
            children.setdefault(record.parent.id if record.parent else None, []).append(record.id)
        choices = []

        def walk(parent, depth):
            for analytic_id in sorted(children.get(parent, []), key=lambda i: str(names[i]).lower()):
                choices.append((analytic_id, "\u2003" * depth + str(names[analytic_id])))
                walk(analytic_id, depth + 1)

        walk(None, 0)
        chosen = self.initial.get("contact_analytic_value_ids") or []
        unknown = [(i, _("Analytic category %(id)s") % {"id": i}) for i in chosen if i not in names]
        if not choices and not unknown:
            del self.fields["contact_analytic_value_ids"]  # the account has no analytic categories
            return
        self._analytic_roots = set(children.get(None, [])) & set(names)
        field.choices = choices + unknown
        field.widget = TreeSelectMultiple(choices=field.choices, disabled_values=self._analytic_roots)

    def clean_country_code(self):
        code = self.cleaned_data["country_code"].strip().lower()
        if code:
            _country_codes(code)
        return code

    def clean_pdf_language(self):
        language = self.cleaned_data["pdf_language"].strip().lower()
        if language and not LANGUAGE_CODE.match(language):
            raise ValidationError(
                _("“%(value)s” is not a language code such as es, ca or en."), params={"value": language}
            )
        return language

    def clean_contact_analytic_value_ids(self):
        chosen = self.cleaned_data["contact_analytic_value_ids"]
        if self._analytic_roots.intersection(chosen):
            raise ValidationError(_("Top-level analytic categories cannot be chosen."))
        return ",".join(chosen)

    def clean(self):
        data = super().clean()
        for side, kinds in DEFAULT_CATEGORY_KINDS.items():
            category_name, subcategory_name = f"{side}_category", f"{side}_subcategory"
            category = self._categories.get(data.get(category_name) or "")
            if category is not None and category.kind not in kinds:
                self.add_error(category_name, WRONG_KIND_ERRORS[side])
            subcategory = self._subcategories.get(data.get(subcategory_name) or "")
            if subcategory is None:
                continue
            parent = subcategory.accounting_category.id if subcategory.accounting_category else None
            if category is None:
                self.add_error(subcategory_name, _("Choose its category too."))
            elif parent != category.id:
                self.add_error(subcategory_name, _("This subcategory belongs to another category."))
        return data
