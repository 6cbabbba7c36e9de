from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin import registry


class AccountingCategoriesConfig(registry.ResourceAppConfig):
    name = "quipu_portal.accounting_categories"
    label = "accounting_categories"
    verbose_name = _("Accounting categories")
    admin_class = "quipu_portal.accounting_categories.resource.AccountingCategoryAdmin"
