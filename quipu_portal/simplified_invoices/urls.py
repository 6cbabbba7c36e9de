from quipu_portal.resource_admin.registry import admin_urls

app_name = "simplified_invoices"
urlpatterns = admin_urls(app_name)
