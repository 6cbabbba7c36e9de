from django.utils.translation import gettext_lazy as _

from quipu_portal.bulk_categories.actions import CHANGE_CATEGORIES
from quipu_portal.resource_admin.options import DocumentAdmin, document_form_fields


class AdditionalIncomeAdmin(DocumentAdmin):
    resource = "additional_incomes"
    namespace = "additional_income"
    verbose_name = _("additional income")
    verbose_name_plural = _("additional income")
    document_label = _("Additional income")
    bulk_buttons = (CHANGE_CATEGORIES,)
    form_fields = document_form_fields("recipient_name", "contact", due_dates=True, sale=("target_country",))
    create_kinds = ("income",)
    has_pdf = False
    create_initial = {"kind": "income"}
