from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin import registry


class AccountingSubcategoriesConfig(registry.ResourceAppConfig):
    name = "quipu_portal.accounting_subcategories"
    label = "accounting_subcategories"
    verbose_name = _("Accounting subcategories")
    admin_class = "quipu_portal.accounting_subcategories.resource.AccountingSubcategoryAdmin"
