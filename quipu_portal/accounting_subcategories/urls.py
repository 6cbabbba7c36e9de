from quipu_portal.accounting_subcategories.resource import AccountingSubcategoryAdmin
from quipu_portal.resource_admin.registry import register

app_name = "accounting_subcategories"
urlpatterns = register(AccountingSubcategoryAdmin).urls
