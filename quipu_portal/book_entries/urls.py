from quipu_portal.resource_admin.registry import admin_urls

app_name = "book_entries"
urlpatterns = admin_urls(app_name)
