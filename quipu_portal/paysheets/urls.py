from quipu_portal.paysheets.resource import PaysheetAdmin
from quipu_portal.resource_admin.registry import register

app_name = "paysheets"
urlpatterns = register(PaysheetAdmin).urls
