from quipu_portal.book_entries.resource import BookEntryAdmin
from quipu_portal.resource_admin.registry import register

app_name = "book_entries"
urlpatterns = register(BookEntryAdmin).urls
