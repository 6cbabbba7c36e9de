from quipu_portal.resource_admin.registry import admin_urls

app_name = "invoices"
urlpatterns = admin_urls(app_name)
