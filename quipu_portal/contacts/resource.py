from django.utils.translation import gettext_lazy as _

from quipu_portal.contacts.forms import ContactFilterForm, ContactForm
from quipu_portal.resource_admin import pickers
from quipu_portal.resource_admin.access import attr
from quipu_portal.resource_admin.columns import Column
from quipu_portal.resource_admin.reference import RecordLink, ReferenceAdmin, RelatedDocuments

ROLE_LABELS = (("is_client", _("Client")), ("is_supplier", _("Supplier")), ("is_employee", _("Employee")))


def roles(record, _names) -> str:
    return ", ".join(str(label) for name, label in ROLE_LABELS if attr(record, name))


class ContactAdmin(ReferenceAdmin):
    resource = "contacts"
    namespace = "contacts"
    verbose_name = _("contact")
    verbose_name_plural = _("contacts")
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
        "description",
    )
    field_labels = {name: field.label for name, field in ContactForm.base_fields.items()} | {
        "account_code": _("Ledger account"),
    }
    related_documents = RelatedDocuments(_("Documents with this contact"), filter_name="contact_id")
    delete_refusal_help = _(
        "Quipu keeps every contact that has invoices, tickets or paysheets, so those documents stay complete. "
        "Delete or move its documents first, or simply keep the contact."
    )
    empty_text = _("There are no contacts yet.")

    def picker_search(self, *, client, connection, term, params):
        return pickers.contact_options(client=client, connection=connection, term=term, params=params)
