from quipu_portal.contacts.resource import ContactAdmin
from quipu_portal.resource_admin.registry import register

app_name = "contacts"
urlpatterns = register(ContactAdmin).urls
