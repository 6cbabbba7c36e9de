from quipu_portal.resource_admin.registry import admin_urls

app_name = "additional_income"
urlpatterns = admin_urls(app_name)
