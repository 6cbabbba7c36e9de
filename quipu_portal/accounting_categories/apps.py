from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountingCategoriesConfig(AppConfig):
    name = "quipu_portal.accounting_categories"
    label = "accounting_categories"
    verbose_name = _("Accounting categories")
