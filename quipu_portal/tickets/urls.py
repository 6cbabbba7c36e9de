from quipu_portal.resource_admin.registry import register
from quipu_portal.tickets.resource import TicketAdmin

app_name = "tickets"
urlpatterns = register(TicketAdmin).urls
