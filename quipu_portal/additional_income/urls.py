from quipu_portal.additional_income.resource import AdditionalIncomeAdmin
from quipu_portal.resource_admin.registry import register

app_name = "additional_income"
urlpatterns = register(AdditionalIncomeAdmin).urls
