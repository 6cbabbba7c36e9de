from quipu_portal.resource_admin.registry import admin_urls

app_name = "accounting_categories"
urlpatterns = admin_urls(app_name)
