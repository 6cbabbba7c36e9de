from django.utils.translation import gettext_lazy as _

from quipu_portal.bulk_categories.actions import CHANGE_CATEGORIES
from quipu_portal.resource_admin.options import ResourceAdmin


class AdditionalIncomeAdmin(ResourceAdmin):
    resource = "additional_incomes"
    namespace = "additional_income"
    list_type = "additional_income"
    verbose_name = _("additional income")
    verbose_name_plural = _("additional income")
    bulk_buttons = (CHANGE_CATEGORIES,)
    form_fields = (
        "kind",
        "number",
        "issue_date",
        "due_dates",
        "paid_at",
        "payment_method",
        "recipient_name",
        "contact",
        "accounting_category",
        "accounting_subcategory",
        "numeration",
        "analytic_categories",
        "tags",
        "notes",
    )
    create_kinds = ("income",)
    has_pdf = False
    create_initial = {"kind": "income"}
