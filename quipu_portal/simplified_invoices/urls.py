from quipu_portal.resource_admin.registry import register
from quipu_portal.simplified_invoices.resource import SimplifiedInvoiceAdmin

app_name = "simplified_invoices"
urlpatterns = register(SimplifiedInvoiceAdmin).urls
