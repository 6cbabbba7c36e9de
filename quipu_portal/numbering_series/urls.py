from quipu_portal.resource_admin.registry import admin_urls

app_name = "numbering_series"
urlpatterns = admin_urls(app_name)
