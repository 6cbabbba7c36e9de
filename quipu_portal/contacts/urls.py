from quipu_portal.resource_admin.registry import admin_urls

app_name = "contacts"
urlpatterns = admin_urls(app_name)
