from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountingSubcategoriesConfig(AppConfig):
    name = "quipu_portal.accounting_subcategories"
    label = "accounting_subcategories"
    verbose_name = _("Accounting subcategories")
