from quipu_portal.numbering_series.resource import NumberingSeriesAdmin
from quipu_portal.resource_admin.registry import register

app_name = "numbering_series"
urlpatterns = register(NumberingSeriesAdmin).urls
