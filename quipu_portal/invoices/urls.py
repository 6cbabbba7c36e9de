from quipu_portal.invoices.resource import InvoiceAdmin
from quipu_portal.resource_admin.registry import register

app_name = "invoices"
urlpatterns = register(InvoiceAdmin).urls
