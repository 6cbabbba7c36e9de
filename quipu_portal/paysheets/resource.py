from django.utils.translation import gettext_lazy as _

from quipu_portal.bulk_categories.actions import CHANGE_CATEGORIES
from quipu_portal.resource_admin import columns
from quipu_portal.resource_admin.options import DOCUMENT_MONEY_FIELDS, DOCUMENT_READ_ONLY, DocumentAdmin


class PaysheetAdmin(DocumentAdmin):
    resource = "paysheets"
    verbose_name = _("paysheet")
    verbose_name_plural = _("paysheets")
    document_label = _("Paysheet")
    bulk_buttons = (CHANGE_CATEGORIES,)
    columns = (
        columns.NUMBER,
        columns.ISSUE_DATE,
        columns.Column("employee", _("Employee"), lambda record, names: record.recipient_name or ""),
        columns.PAYMENT_STATUS,
        columns.Column("net_pay", _("Net pay"), kind="money"),
        columns.Column("gross_pay", _("Gross pay"), kind="money"),
    )
    list_filters = ("period", "payment_status", "contact", "q", "field_query")
    form_fields = (
        "number",
        "issue_date",
        "paid_at",
        "payment_method",
        "contact",
        "net_pay",
        "employee_ss_amount",
        "employee_retention",
        "company_ss_amount",
        "accounting_subcategory",
        "analytic_categories",
        "tags",
        "notes",
    )
    required_fields = ("issue_date", "contact")
    # Quipu sets the kind (always expenses), the gross pay and the category itself.
    readonly_fields = (*DOCUMENT_READ_ONLY, "kind", "gross_pay")
    field_labels = {
        "net_pay": _("Net pay"),
        "gross_pay": _("Gross pay"),
        "employee_ss_amount": _("Employee social security"),
        "employee_retention": _("Employee withholding"),
        "company_ss_amount": _("Company social security"),
    }
    money_fields = (*DOCUMENT_MONEY_FIELDS, *field_labels)
    has_items = False
    has_pdf = False
    create_kinds = ()
