from quipu_portal.analytic_categories.resource import AnalyticCategoryAdmin
from quipu_portal.resource_admin.registry import register

app_name = "analytic_categories"
urlpatterns = register(AnalyticCategoryAdmin).urls
