from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from quipu_portal.contacts.forms import ContactFilterForm, ContactForm, analytic_value_ids
from quipu_portal.resource_admin import pickers
from quipu_portal.resource_admin.access import attr, rel_id
from quipu_portal.resource_admin.columns import Column
from quipu_portal.resource_admin.forms import PAYMENT_METHOD_CHOICES
from quipu_portal.resource_admin.reference import RecordLink, ReferenceAdmin, RelatedDocuments

ROLE_LABELS = (("is_client", _("Client")), ("is_supplier", _("Supplier")), ("is_employee", _("Employee")))


def roles(record, _names) -> str:
    return ", ".join(str(label) for name, label in ROLE_LABELS if attr(record, name))


def category_name(name):
    def show(record, refdata) -> str:
        category_id = rel_id(record, name)
        category = refdata.accounting_category(category_id)
        return pickers.category_label(category) if category else category_id

    return show


def subcategory_name(name):
    def show(record, refdata) -> str:
        subcategory_id = rel_id(record, name)
        subcategory = refdata.accounting_subcategory(subcategory_id)
        return pickers.subcategory_label(subcategory, refdata) if subcategory else subcategory_id

    return show


def payment_method_name(name):
    labels = dict(PAYMENT_METHOD_CHOICES)
    return lambda record, _refdata: str(labels.get(attr(record, name), attr(record, name)))


def language_name(record, _refdata) -> str:
    code = attr(record, "pdf_language")
    try:
        return f"{get_language_info(code)['name_translated']} ({code})"
    except KeyError:
        return code


def analytic_names(record, refdata) -> str:
    ids = analytic_value_ids(attr(record, "contact_analytic_value_ids"))
    found = [refdata.analytic_category(analytic_id) for analytic_id in ids]
    return ", ".join(
        str(category.name) if category else analytic_id
        for category, analytic_id in zip(found, ids, strict=True)
    )


class ContactAdmin(ReferenceAdmin):
    resource = "contacts"
    verbose_name = _("contact")
    verbose_name_plural = _("contacts")
    picker_options = staticmethod(pickers.contact_options)
    columns = (
        RecordLink("name", _("Name"), sort_key="name"),
        Column("tax_id", _("Tax ID")),
        Column("email", _("Email")),
        Column("country_code", _("Country"), lambda r, n: (attr(r, "country_code") or "").upper()),
        Column("roles", _("Role"), roles),
        Column("total_paid_incomes", _("Income paid"), sort_key="total_paid_income", kind="money"),
        Column("total_unpaid_incomes", _("Income owed to us"), sort_key="total_unpaid_income", kind="money"),
        Column("total_paid_expenses", _("Expenses paid"), sort_key="total_paid_expenses", kind="money"),
        Column("total_unpaid_expenses", _("Expenses we owe"), sort_key="total_unpaid_expenses", kind="money"),
    )
    sorts = (
        "name",
        "total_paid_income",
        "total_unpaid_income",
        "total_paid_expenses",
        "total_unpaid_expenses",
    )
    default_sort = ("name",)
    filter_form = ContactFilterForm
    form_class = ContactForm
    detail_fields = (
        "tax_id",
        "document_type",
        "email",
        "phone",
        "address",
        "zip_code",
        "town",
        "country_code",
        "client_number",
        "supplier_number",
        "employee_number",
        "account_code",
        "is_supplier_of_direct_goods",
        "bank_account_number",
        "bank_account_swift_bic",
        "income_category",
        "income_subcategory",
        "incomes_payment_method",
        "incomes_due_date",
        "equivalence_subcharge",
        "pdf_language",
        "expense_category",
        "expense_subcategory",
        "expenses_payment_method",
        "expenses_due_date",
        "contact_analytic_value_ids",
        "description",
    )
    field_labels = {name: field.label for name, field in ContactForm.base_fields.items()} | {
        "account_code": _("Ledger account"),
    }
    detail_values = {
        "income_category": category_name("income_category"),
        "income_subcategory": subcategory_name("income_subcategory"),
        "expense_category": category_name("expense_category"),
        "expense_subcategory": subcategory_name("expense_subcategory"),
        "incomes_payment_method": payment_method_name("incomes_payment_method"),
        "expenses_payment_method": payment_method_name("expenses_payment_method"),
        "pdf_language": language_name,
        "contact_analytic_value_ids": analytic_names,
    }
    related_documents = RelatedDocuments(_("Documents with this contact"), filter_name="contact_id")
    delete_refusal_help = _(
        "Quipu keeps every contact that has invoices, tickets or paysheets, so those documents stay complete. "
        "Delete or move its documents first, or simply keep the contact."
    )
    empty_text = _("There are no contacts yet.")
