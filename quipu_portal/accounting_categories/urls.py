from quipu_portal.accounting_categories.resource import AccountingCategoryAdmin
from quipu_portal.resource_admin.registry import register

app_name = "accounting_categories"
urlpatterns = register(AccountingCategoryAdmin).urls
